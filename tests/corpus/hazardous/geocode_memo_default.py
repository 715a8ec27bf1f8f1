# hazard: mutable default argument shared between threads (memo dict default counted from pool tasks)
from concurrent.futures import ThreadPoolExecutor


def geocode(address, _memo={}, _stats={"hits": 0, "misses": 0}):
    if address in _memo:
        _stats["hits"] += 1
        return _memo[address]
    _stats["misses"] += 1
    lat, lon = hash(address) % 90, hash(address[::-1]) % 180
    _memo[address] = (lat, lon)
    return lat, lon


def geocode_all(addresses):
    with ThreadPoolExecutor(max_workers=6) as pool:
        return list(pool.map(geocode, addresses))
