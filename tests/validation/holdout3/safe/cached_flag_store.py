# validation: A web app's request threads read feature flags through flipper-client's CachedFeatureFlagStore, a TTL cache in front of the flag database.
# source: carta/flipper-client PR #32 "Avoid race condition that happens when cache entry expires while checking", commit 13d0a668606120d7564b073bbfd5aa4ab26215bb (code after the commit)
# safe: the cache is read once with try/except KeyError, so an entry deleted or expired by another thread is a plain miss; every cache and store access is a single dict call
import threading
import time
from typing import Optional


class TTLCache(dict):
    """Reduced cachetools.TTLCache: stale entries read as missing."""

    def __init__(self, maxsize, ttl):
        super().__init__()
        self.maxsize, self.ttl = maxsize, ttl

    def __contains__(self, key):
        entry = dict.get(self, key)
        return entry is not None and entry[0] >= time.monotonic()

    def __getitem__(self, key):
        expires, value = dict.__getitem__(self, key)
        if expires < time.monotonic():
            raise KeyError(key)
        return value

    def __setitem__(self, key, value):
        dict.__setitem__(self, key, (time.monotonic() + self.ttl, value))


class FeatureFlagStoreItem:
    def __init__(self, feature_name, is_enabled):
        self.feature_name, self.is_enabled = feature_name, is_enabled


class MemoryFeatureFlagStore:
    def __init__(self):
        self._data = {}

    def create(self, feature_name, is_enabled=False, client_data=None):
        self._data[feature_name] = FeatureFlagStoreItem(feature_name, is_enabled)
        return self._data[feature_name]

    def get(self, feature_name):
        time.sleep(0)  # stands in for a database round trip
        return self._data.get(feature_name)

    def delete(self, feature_name):
        self._data.pop(feature_name, None)


class CachedFeatureFlagStore:
    def __init__(self, store, size: int = 5000, ttl: Optional[float] = None) -> None:
        self._cache = TTLCache(size, ttl)
        self._store = store
        self._ttl = ttl

    def create(self, feature_name: str, is_enabled: bool = False, client_data: Optional[dict] = None):
        item = self._store.create(feature_name, is_enabled=is_enabled, client_data=client_data)
        self._cache[feature_name] = item
        return item

    def get(self, feature_name: str) -> Optional[FeatureFlagStoreItem]:
        try:
            return self._cache[feature_name]
        except KeyError:
            pass

        item = self._store.get(feature_name)
        self._cache[feature_name] = item

        return item

    def delete(self, feature_name: str):
        self._store.delete(feature_name)
        self._cache.pop(feature_name, None)


def handle_requests(flags, names, errors):
    for n in range(3000):
        try:
            item = flags.get(names[n % len(names)])
            enabled = item is not None and item.is_enabled
        except KeyError as exc:
            errors.append(exc)


if __name__ == "__main__":
    flags = CachedFeatureFlagStore(MemoryFeatureFlagStore(), ttl=0.0005)
    names = ["new_checkout", "dark_mode", "beta_search"]
    for name in names:
        flags.create(name, is_enabled=True)
    errors = []
    threads = [threading.Thread(target=handle_requests, args=(flags, names, errors)) for _ in range(4)]
    for t in threads:
        t.start()
    for _ in range(200):  # the admin console retires and re-adds a flag
        flags.delete("beta_search")
        flags.create("beta_search", is_enabled=False)
    for t in threads:
        t.join()
    print("lookups failed:", len(errors))
