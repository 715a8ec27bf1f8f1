# validation: A documentation site renders pages on several threads and keeps compiled templates in a reduced copy of Jinja2's LRUCache.
# source: jinja issue #8 "Concurrency bug in LRUCache", fixed by commit d4e54382cbe6c9760d01fec22655851bd54f02bc "Pessimistic locking for LRU cache.  This fixes #8" (code before the commit)
import string
import threading
from _thread import allocate_lock
from collections import deque


class LRUCache(object):
    """A simple LRU Cache implementation."""

    def __init__(self, capacity):
        self.capacity = capacity
        self._mapping = {}
        self._queue = deque()
        self._postinit()

    def _postinit(self):
        # alias all queue methods for faster lookup
        self._popleft = self._queue.popleft
        self._pop = self._queue.pop
        self._remove = self._queue.remove
        self._wlock = allocate_lock()
        self._append = self._queue.append

    def get(self, key, default=None):
        """Return an item from the cache dict or `default`"""
        try:
            return self[key]
        except KeyError:
            return default

    def __len__(self):
        """Return the current size of the cache."""
        return len(self._mapping)

    def __getitem__(self, key):
        """Get an item from the cache. Moves the item up so that it has the
        highest priority then.

        Raise a `KeyError` if it does not exist.
        """
        rv = self._mapping[key]
        if self._queue[-1] != key:  # RACE[a]: unlocked read of the queue tail while writers evict
            try:
                self._remove(key)  # RACE[a]: unlocked remove interleaves with the locked eviction
            except ValueError:
                # if something removed the key from the container
                # when we read, ignore the ValueError that we would
                # get otherwise.
                pass
            self._append(key)  # RACE[a]: re-appends a key just evicted, leaving a stale queue entry
        return rv

    def __setitem__(self, key, value):
        """Sets the value for an item. Moves the item up so that it
        has the highest priority then.
        """
        self._wlock.acquire()
        try:
            if key in self._mapping:
                try:
                    self._remove(key)
                except ValueError:
                    # __getitem__ is not locked, it might happen
                    pass
            elif len(self._mapping) == self.capacity:
                del self._mapping[self._popleft()]  # RACE[a]: pops a stale key -> KeyError, cache broken
            self._append(key)
            self._mapping[key] = value
        finally:
            self._wlock.release()


def compile_template(name):
    return string.Template("<h1>%s</h1><p>$body</p>" % name)


def render_pages(cache, worker, errors):
    for n in range(400):
        name = "w%d/page%d.html" % (worker, n % 12)
        try:
            tmpl = cache.get(name)
            if tmpl is None:
                tmpl = compile_template(name)
                cache[name] = tmpl
            tmpl.substitute(body="section %d" % n)
        except (KeyError, IndexError) as exc:
            errors.append(repr(exc))


if __name__ == "__main__":
    cache, errors = LRUCache(16), []
    workers = [threading.Thread(target=render_pages, args=(cache, w, errors)) for w in range(4)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    print("cached:", len(cache), "errors:", len(errors))
