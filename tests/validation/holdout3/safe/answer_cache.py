# validation: A stub DNS resolver library that caches answers in a bounded LRU with per-record TTLs, shared by all the threads of the proxy that imports it.
# source: written blind from a description
# mode: library
# safe: every access to the OrderedDict and the statistics happens under one re-entrant lock; the upstream query runs outside it on local data only
import threading
import time
from collections import OrderedDict


class Answer:
    __slots__ = ("name", "addresses", "expires")

    def __init__(self, name, addresses, ttl):
        self.name, self.addresses, self.expires = name, tuple(addresses), time.monotonic() + ttl


class ResolverCache:
    def __init__(self, upstream, capacity=256):
        self._upstream = upstream
        self._capacity = capacity
        self._entries = OrderedDict()
        self._lock = threading.RLock()
        self.stats = {"hit": 0, "miss": 0, "expired": 0}

    def resolve(self, name):
        with self._lock:
            answer = self._entries.get(name)
            if answer is not None:
                if answer.expires > time.monotonic():
                    self._entries.move_to_end(name)
                    self.stats["hit"] += 1
                    return answer.addresses
                del self._entries[name]
                self.stats["expired"] += 1
            self.stats["miss"] += 1
        addresses, ttl = self._upstream(name)
        self._store(Answer(name, addresses, ttl))
        return tuple(addresses)

    def _store(self, answer):
        with self._lock:
            self._entries[answer.name] = answer
            self._entries.move_to_end(answer.name)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def purge_expired(self):
        now = time.monotonic()
        with self._lock:
            for name in [n for n, a in self._entries.items() if a.expires <= now]:
                del self._entries[name]

    def hit_ratio(self):
        with self._lock:
            total = self.stats["hit"] + self.stats["miss"]
            return self.stats["hit"] / total if total else 0.0


def fake_upstream(name):
    return ["10.0.%d.%d" % (len(name), sum(map(ord, name)) % 250)], 30


if __name__ == "__main__":
    cache = ResolverCache(fake_upstream, capacity=2)
    for host in ["api.local", "db.local", "api.local", "cdn.local", "db.local"]:
        print(host, cache.resolve(host))
    cache.purge_expired()
    print("entries:", list(cache._entries), "hit ratio: %.2f" % cache.hit_ratio())
