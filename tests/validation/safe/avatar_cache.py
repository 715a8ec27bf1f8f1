# validation: An avatar service renders avatars on a thread pool and keeps them in a TTL cache that a periodic timer sweeps.
# source: written blind from a description
# safe: the lookup is a single dict.get, insertion and sweeping both run under the cache lock, and timer rescheduling checks a stop flag under that lock.
import concurrent.futures as cf
import hashlib
import threading
import time


class AvatarCache:
    def __init__(self, ttl: float = 0.05) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[bytes, float]] = {}
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._stopped = False

    def get(self, user: str) -> bytes | None:
        entry = self._entries.get(user)
        if entry is None:
            return None
        data, expires = entry
        return data if expires > time.monotonic() else None

    def put(self, user: str, data: bytes) -> None:
        with self._lock:
            self._entries[user] = (data, time.monotonic() + self.ttl)

    def sweep(self) -> int:
        now = time.monotonic()
        with self._lock:
            expired = [user for user, (_, exp) in self._entries.items() if exp <= now]
            for user in expired:
                del self._entries[user]
        return len(expired)

    def _tick(self, interval: float) -> None:
        self.sweep()
        self.start_sweeper(interval)

    def start_sweeper(self, interval: float = 0.01) -> None:
        with self._lock:
            if self._stopped:
                return
            self._timer = threading.Timer(interval, self._tick, args=(interval,))
            self._timer.daemon = True
            self._timer.start()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._timer is not None:
                self._timer.cancel()


def render_avatar(cache: AvatarCache, user: str) -> int:
    cached = cache.get(user)
    if cached is None:
        time.sleep(0.001)
        cached = hashlib.sha256(user.encode()).digest() * 4
        cache.put(user, cached)
    return len(cached)


def main() -> None:
    cache = AvatarCache()
    cache.start_sweeper()
    users = [f"user{i % 30}" for i in range(300)]
    with cf.ThreadPoolExecutor(max_workers=6) as pool:
        sizes = [f.result() for f in [pool.submit(render_avatar, cache, u) for u in users]]
    cache.stop()
    print("served", len(sizes), "avatars")


if __name__ == "__main__":
    main()
