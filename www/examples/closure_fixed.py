"""A total computed from the pool's results: each thread returns its part, nothing is shared."""
from concurrent.futures import ThreadPoolExecutor


def total_size(files):
    def size(path):
        return len(path)

    with ThreadPoolExecutor() as pool:
        return sum(pool.map(size, files))


print(total_size(["a.txt", "bb.txt", "ccc.txt"]))
