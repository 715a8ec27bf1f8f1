# validation: A resolver front-end with an OrderedDict LRU cache of DNS answers used from a thread pool via executor.map.
# source: written blind from a description
import threading
import zlib
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from itertools import repeat


class ResolverCache:
    """LRU of hostname -> address. Writers lock; the read path was 'optimised' to skip the lock."""

    def __init__(self, capacity: int = 8) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    def lookup(self, host: str) -> str | None:
        address = self._entries.get(host)
        if address is None:
            return None
        self._entries.move_to_end(host)  # RACE[a]: unlocked reorder; store() may have evicted host meanwhile, so move_to_end raises KeyError
        self.hits += 1  # RACE[b]: lost update on the hit counter from many resolver threads
        return address

    def store(self, host: str, address: str) -> None:
        with self._lock:
            self._entries[host] = address
            self._entries.move_to_end(host)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)  # RACE[a]: eviction under a lock lookup() never takes


def fake_resolve(host: str) -> str:
    h = zlib.crc32(host.encode())
    return f"10.{h % 256}.{(h >> 8) % 256}.{(h >> 16) % 256}"


def resolve(host: str, cache: ResolverCache) -> str:
    address = cache.lookup(host)
    if address is None:
        address = fake_resolve(host)
        cache.store(host, address)
    return address


def main() -> None:
    cache = ResolverCache(capacity=8)
    hosts = [f"svc{i % 20}.internal" for i in range(2000)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(resolve, hosts, repeat(cache)))
    print(len(answers), "answers,", cache.hits, "cache hits")


if __name__ == "__main__":
    main()
