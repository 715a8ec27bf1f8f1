# validation: An image thumbnail service that renders thumbnails on a thread pool and keeps them in a TTL cache swept by a periodic timer.
# source: written blind from a description
import concurrent.futures as cf
import hashlib
import threading
import time


class ThumbnailCache:
    """Maps image names to rendered thumbnails for ``ttl`` seconds."""

    def __init__(self, ttl: float = 0.05) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[bytes, float]] = {}
        self._sweeper: threading.Timer | None = None

    def get(self, name: str) -> bytes | None:
        if name in self._entries:  # RACE[a]: check-then-read: the sweeper may delete the entry right after this check
            data, expires = self._entries[name]  # RACE[a]: KeyError when the sweeper removed the key in between
            if expires > time.monotonic():
                return data
        return None

    def put(self, name: str, data: bytes) -> None:
        self._entries[name] = (data, time.monotonic() + self.ttl)  # RACE[b]: inserts while the sweeper iterates the same dict

    def sweep(self) -> None:
        now = time.monotonic()
        expired = [name for name, (_, exp) in self._entries.items() if exp <= now]  # RACE[b]: iterating the live dict while render threads insert raises RuntimeError
        for name in expired:
            del self._entries[name]  # RACE[a]: the deleting half of the check-then-read in get()
        self.schedule_sweep()

    def schedule_sweep(self, interval: float = 0.01) -> None:
        self._sweeper = threading.Timer(interval, self.sweep)  # RACE[c]: the sweeper timer re-arms itself from its own thread while stop() reads this attribute
        self._sweeper.daemon = True
        self._sweeper.start()

    def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()  # RACE[c]: may cancel the timer that is already running, which then schedules a fresh one; the sweeper never stops


def render_thumbnail(cache: ThumbnailCache, name: str) -> int:
    cached = cache.get(name)
    if cached is not None:
        return len(cached)
    time.sleep(0.001)  # decode + resize
    thumb = hashlib.sha256(name.encode()).digest() * 8
    cache.put(name, thumb)
    return len(thumb)


def main() -> None:
    cache = ThumbnailCache()
    cache.schedule_sweep()
    names = [f"photo_{i % 25}.jpg" for i in range(300)]
    with cf.ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(render_thumbnail, cache, name) for name in names]
        total = sum(f.result() for f in futures)
    cache.stop()
    print("rendered bytes:", total)


if __name__ == "__main__":
    main()
