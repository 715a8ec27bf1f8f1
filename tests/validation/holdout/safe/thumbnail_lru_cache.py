# validation: An image library's thumbnail cache: a size-bounded LRU that evicts the least recently used entry and keeps hit/miss counters, meant to be shared by every thread rendering pages.
# source: written blind from a description (holdout batch, 2026-12-05)
# mode: library
# safe: every method holds the cache's one lock across its whole lookup, reorder, insert, eviction loop and counter update, and stats() reads all fields under that lock
import threading
from collections import OrderedDict


class ThumbnailCache:
    """LRU cache of thumbnail bytes keyed by (image_id, size)."""

    def __init__(self, max_entries=128):
        self.max_entries = max_entries
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self.evictions = 0

    def get(self, image_id, size):
        key = (image_id, size)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
            self.misses += 1
            return None

    def put(self, image_id, size, data):
        key = (image_id, size)
        with self._lock:
            self._entries[key] = data
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
                self.evictions += 1

    def stats(self):
        with self._lock:
            total = self.hits + self.misses
            ratio = self.hits / total if total else 0.0
            return {"entries": len(self._entries), "hits": self.hits,
                    "misses": self.misses, "evictions": self.evictions, "hit_ratio": round(ratio, 3)}

    def keys(self):
        with self._lock:
            return list(self._entries)


def cached_thumbnail(cache, image_id, size, render):
    data = cache.get(image_id, size)
    if data is None:
        data = render(image_id, size)
        cache.put(image_id, size, data)
    return data


if __name__ == "__main__":
    cache = ThumbnailCache(max_entries=3)

    def fake_render(image_id, size):
        return f"{image_id}@{size}".encode()

    for image_id in ["a", "b", "a", "c", "d", "a", "b", "e", "a"]:
        data = cached_thumbnail(cache, image_id, 64, fake_render)
        assert data == f"{image_id}@64".encode()
    print(cache.stats())
    assert cache.keys() == [("b", 64), ("e", 64), ("a", 64)]
