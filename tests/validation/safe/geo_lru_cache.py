# validation: A geolocation lookup service with an OrderedDict LRU cache used from a thread pool via executor.map.
# source: written blind from a description
# safe: every access to the OrderedDict (lookup + move_to_end, insert + eviction) and to the hit counter happens under the same lock.
import threading
import zlib
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from itertools import repeat


class GeoCache:
    def __init__(self, capacity: int = 8) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    def lookup(self, ip: str) -> tuple[float, float] | None:
        with self._lock:
            location = self._entries.get(ip)
            if location is not None:
                self._entries.move_to_end(ip)
                self.hits += 1
            return location

    def store(self, ip: str, location: tuple[float, float]) -> None:
        with self._lock:
            self._entries[ip] = location
            self._entries.move_to_end(ip)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)


def geolocate(ip: str) -> tuple[float, float]:
    h = zlib.crc32(ip.encode())
    return (h % 180) - 90.0, (h % 360) - 180.0


def locate(ip: str, cache: GeoCache) -> tuple[float, float]:
    location = cache.lookup(ip)
    if location is None:
        location = geolocate(ip)
        cache.store(ip, location)
    return location


def main() -> None:
    cache = GeoCache()
    ips = [f"192.0.2.{i % 6 if i % 5 else i % 40}" for i in range(2000)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(locate, ips, repeat(cache)))
    print(len(results), "lookups,", cache.hits, "hits")


if __name__ == "__main__":
    main()
