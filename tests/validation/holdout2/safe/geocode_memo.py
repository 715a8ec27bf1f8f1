# validation: A memoising decorator for a geocoding client that caches address-to-coordinate lookups in an OrderedDict with least-recently-used eviction and hit/miss counters, meant to wrap functions called from all of an application's threads.
# source: written blind from a description
# mode: library
# safe: every read and update of the entries and counters happens under one lock per wrapped function; the wrapped call runs outside the lock and its result is stored with a re-check
import functools
import hashlib
import threading
from collections import OrderedDict


def memoize(maxsize=128):
    """Cache results of a pure function of hashable positional arguments."""
    if maxsize < 1:
        raise ValueError("maxsize must be at least 1")

    def decorator(func):
        entries = OrderedDict()
        stats = {"hits": 0, "misses": 0}
        lock = threading.Lock()

        @functools.wraps(func)
        def wrapper(*args):
            key = args
            with lock:
                if key in entries:
                    entries.move_to_end(key)
                    stats["hits"] += 1
                    return entries[key]
                stats["misses"] += 1
            value = func(*args)
            with lock:
                if key in entries:
                    # another caller stored it while we computed; keep one answer
                    entries.move_to_end(key)
                    return entries[key]
                entries[key] = value
                if len(entries) > maxsize:
                    entries.popitem(last=False)
            return value

        def cache_info():
            with lock:
                return {"hits": stats["hits"], "misses": stats["misses"],
                        "size": len(entries), "maxsize": maxsize}

        wrapper.cache_info = cache_info
        return wrapper

    return decorator


@memoize(maxsize=512)
def geocode(address, country="DE"):
    """Stand-in for the remote geocoder: a stable pseudo coordinate per address."""
    digest = hashlib.sha256(f"{country}|{address.lower()}".encode()).digest()
    lat = 47.0 + digest[0] / 255.0 * 8.0
    lon = 6.0 + digest[1] / 255.0 * 9.0
    return round(lat, 5), round(lon, 5)


if __name__ == "__main__":
    for addr in ("Unter den Linden 1, Berlin", "Marienplatz 8, Muenchen",
                 "Unter den Linden 1, Berlin"):
        print(addr, geocode(addr))
    print(geocode.cache_info())
