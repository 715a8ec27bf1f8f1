"""A batch per call: the default is None and each call makes its own list."""
from concurrent.futures import ThreadPoolExecutor


def collect(item, batch=None):
    if batch is None:
        batch = []
    batch.append(item)
    return len(batch)


with ThreadPoolExecutor() as pool:
    pool.map(collect, range(100))
