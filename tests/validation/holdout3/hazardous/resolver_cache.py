# validation: A stub DNS resolver library that caches answers in a bounded LRU with per-record TTLs, shared by all the threads of the proxy that imports it.
# source: written blind from a description
# mode: library
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
        self.stats = {"hit": 0, "miss": 0, "expired": 0}

    def resolve(self, name):
        if name in self._entries:  # RACE[a]: presence checked...
            answer = self._entries[name]  # RACE[a]: ...then read; an evicting thread removed it: KeyError
            if answer.expires > time.monotonic():
                self._entries.move_to_end(name)  # RACE[a]: KeyError when evicted meanwhile
                self.stats["hit"] += 1  # RACE[c]: lost update on a shared dict item
                return answer.addresses
            del self._entries[name]  # RACE[a]: two threads expiring the same record: KeyError
            self.stats["expired"] += 1  # RACE[c]: lost update on a shared dict item
        self.stats["miss"] += 1  # RACE[c]: lost update on a shared dict item
        addresses, ttl = self._upstream(name)
        self._store(Answer(name, addresses, ttl))
        return tuple(addresses)

    def _store(self, answer):
        self._entries[answer.name] = answer  # RACE[d]: insert while purge_expired walks the entries
        if len(self._entries) > self._capacity:  # RACE[b]: several threads see the cache over capacity...
            self._entries.popitem(last=False)  # RACE[b]: ...and each evicts, or pops an empty dict

    def purge_expired(self):
        now = time.monotonic()
        for name, answer in list(self._entries.items()):  # RACE[d]: OrderedDict walk while resolvers insert
            if answer.expires <= now:
                self._entries.pop(name, None)

    def hit_ratio(self):
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
