# validation: A per-client sliding-window request limiter library meant to be called from every request-handling thread of a web app.
# source: written blind from a description
# mode: library
# safe: the window lookup, trimming, limit check, append and the janitor's scan all run under one lock held for the whole compound step.
import threading
import time
from collections import deque

__all__ = ["RequestLimiter"]


class RequestLimiter:
    def __init__(self, limit: int, window: float, clock=time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}
        self.rejections = 0

    def allow(self, client: str) -> bool:
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(client, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                self.rejections += 1
                return False
            hits.append(now)
            return True

    def remaining(self, client: str) -> int:
        with self._lock:
            return max(0, self.limit - len(self._hits.get(client, ())))

    def forget_idle(self) -> int:
        now = self._clock()
        with self._lock:
            idle = [c for c, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]
            for client in idle:
                del self._hits[client]
        return len(idle)


if __name__ == "__main__":
    limiter = RequestLimiter(limit=3, window=1.0)
    print([limiter.allow("10.0.0.1") for _ in range(5)], limiter.remaining("10.0.0.1"))
