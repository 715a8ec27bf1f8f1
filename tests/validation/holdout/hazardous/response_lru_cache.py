# validation: An HTTP client library's response cache: a size-bounded LRU that evicts the least recently used entry and keeps hit/miss counters, meant to be shared by every thread issuing requests.
# source: written blind from a description (holdout batch, 2026-12-05)
# mode: library
from collections import OrderedDict


class ResponseCache:
    """LRU cache of (status, headers, body) keyed by (method, url)."""

    def __init__(self, max_entries=128):
        self.max_entries = max_entries
        self._entries = OrderedDict()
        self.hits = 0
        self.misses = 0
        self.evictions = 0

    def get(self, method, url):
        key = (method, url)
        if key in self._entries:  # RACE[a]: another thread can evict the key right after this check...
            self._entries.move_to_end(key)  # RACE[a]: ...so move_to_end raises KeyError
            self.hits += 1  # RACE[b]: hit counter updated with += from every caller thread
            return self._entries[key]  # RACE[a]: ...or this lookup raises KeyError after an eviction
        self.misses += 1  # RACE[b]: miss counter loses increments the same way
        return None

    def put(self, method, url, response):
        key = (method, url)
        self._entries[key] = response  # RACE[a]: the fresh entry can be evicted by another thread before the next line...
        self._entries.move_to_end(key)  # RACE[a]: ...which then raises KeyError
        while len(self._entries) > self.max_entries:  # RACE[a]: two threads both see the cache over its bound...
            self._entries.popitem(last=False)  # RACE[a]: ...and evict two entries, or pop from an emptied cache
            self.evictions += 1  # RACE[b]: eviction counter updated without synchronisation

    def stats(self):
        total = self.hits + self.misses
        ratio = self.hits / total if total else 0.0
        return {"entries": len(self._entries), "hits": self.hits,
                "misses": self.misses, "evictions": self.evictions, "hit_ratio": round(ratio, 3)}


def cached_get(cache, url, fetch):
    response = cache.get("GET", url)
    if response is None:
        response = fetch(url)
        cache.put("GET", url, response)
    return response


if __name__ == "__main__":
    cache = ResponseCache(max_entries=3)

    def fake_fetch(url):
        return (200, {"content-type": "text/plain"}, f"body of {url}".encode())

    for url in ["/a", "/b", "/a", "/c", "/d", "/a", "/b", "/e", "/a"]:
        status, _, body = cached_get(cache, url, fake_fetch)
        assert status == 200 and body.endswith(url.encode())
    print(cache.stats())
    assert list(cache._entries) == [("GET", "/b"), ("GET", "/e"), ("GET", "/a")]
