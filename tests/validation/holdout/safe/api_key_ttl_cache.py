# validation: An API gateway keeps looked-up API-key permissions in a TTL cache that request threads read and fill while a threading.Timer sweeps out expired entries.
# source: written blind from a description (holdout batch, 2026-12-05)
# safe: every read, insert and the whole sweep (iteration plus deletions) run under the cache's lock; get() uses a single dict.get under that lock
import threading
import time


class PermissionCache:
    def __init__(self, ttl, sweep_every):
        self.ttl = ttl
        self.sweep_every = sweep_every
        self._entries = {}
        self._lock = threading.Lock()
        self._timer = None
        self._stopped = threading.Event()

    def put(self, key, perms):
        with self._lock:
            self._entries[key] = (perms, time.monotonic() + self.ttl)

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[1] > time.monotonic():
            return entry[0]
        return None

    def _sweep(self):
        now = time.monotonic()
        with self._lock:
            expired = [k for k, (_, expires) in self._entries.items() if expires <= now]
            for k in expired:
                del self._entries[k]
        if not self._stopped.is_set():
            self._schedule()

    def _schedule(self):
        with self._lock:
            if self._stopped.is_set():
                return
            self._timer = threading.Timer(self.sweep_every, self._sweep)
            self._timer.daemon = True
            self._timer.start()

    def start(self):
        self._schedule()

    def stop(self):
        self._stopped.set()
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()


def lookup_remote(key):
    time.sleep(0.0005)
    return frozenset({"read", "write"} if key.endswith("0") else {"read"})


def handle_requests(cache, worker_id, n, served):
    for i in range(n):
        key = f"key-{(worker_id * 7 + i) % 25}"
        perms = cache.get(key)
        if perms is None:
            perms = lookup_remote(key)
            cache.put(key, perms)
        served.append(len(perms))


def main():
    cache = PermissionCache(ttl=0.01, sweep_every=0.005)
    cache.start()
    served = []
    workers = [
        threading.Thread(target=handle_requests, args=(cache, w, 150, served))
        for w in range(5)
    ]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    cache.stop()
    print(f"served {len(served)} requests, {served.count(2)} with write access")


if __name__ == "__main__":
    main()
