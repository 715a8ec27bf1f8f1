"""A total kept in a closure and updated by pool threads."""
from concurrent.futures import ThreadPoolExecutor


def total_size(files):
    total = 0

    def add(path):
        nonlocal total
        # The closure's variable is shared by every thread that runs `add`.
        total += len(path)

    with ThreadPoolExecutor() as pool:
        pool.map(add, files)
    return total


print(total_size(["a.txt", "bb.txt", "ccc.txt"]))
