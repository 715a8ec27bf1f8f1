# hazard: read-modify-write of a class attribute (hit/miss counters on a class shared by every cache instance)
import threading
from concurrent.futures import ThreadPoolExecutor


class TTLCache:
    hits = 0
    misses = 0

    def __init__(self):
        self._data = {}
        self._lock = threading.Lock()

    def get(self, key, loader):
        with self._lock:
            value = self._data.get(key)
        if value is not None:
            type(self).hits += 1
            return value
        type(self).misses += 1
        value = loader(key)
        with self._lock:
            self._data[key] = value
        return value


cache = TTLCache()


def lookup_many(keys):
    with ThreadPoolExecutor(max_workers=4) as ex:
        return list(ex.map(lambda k: cache.get(k, str.upper), keys))
