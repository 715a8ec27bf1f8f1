# functools.lru_cache on a pure function; the cache does its own locking.
import functools
from concurrent.futures import ThreadPoolExecutor


@functools.lru_cache(maxsize=4096)
def geocode(address):
    return hash(address) % 90, hash(address[::-1]) % 180


def geocode_all(addresses):
    with ThreadPoolExecutor(max_workers=6) as pool:
        return list(pool.map(geocode, addresses))
