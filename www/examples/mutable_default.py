"""A batch kept in a mutable default argument: one list shared by every call."""
from concurrent.futures import ThreadPoolExecutor


def collect(item, batch=[]):
    # The default list is created once and shared by every thread that calls `collect`.
    batch.append(item)
    return len(batch)


with ThreadPoolExecutor() as pool:
    pool.map(collect, range(100))
