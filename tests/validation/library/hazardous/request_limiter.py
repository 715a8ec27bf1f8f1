# validation: A per-client sliding-window request limiter library meant to be called from every request-handling thread of a web app.
# source: written blind from a description
# mode: library
"""Sliding-window rate limiting keyed by client id.

Usage::

    limiter = RequestLimiter(limit=100, window=60.0)
    if not limiter.allow(client_ip):
        return 429
"""
import time
from collections import deque

__all__ = ["RequestLimiter"]


class RequestLimiter:
    def __init__(self, limit: int, window: float, clock=time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self.rejections = 0

    def _window_for(self, client: str) -> deque[float]:
        hits = self._hits.get(client)
        if hits is None:  # RACE[c]: check-then-create: two first requests from one client each install a fresh deque
            hits = deque()
            self._hits[client] = hits  # RACE[c]: the second store replaces the deque the first request already recorded into
        return hits

    def allow(self, client: str) -> bool:
        now = self._clock()
        hits = self._window_for(client)
        while hits and hits[0] <= now - self.window:  # RACE[b]: check-then-act on the deque: another request can pop the last stale entry first
            hits.popleft()  # RACE[b]: IndexError when a concurrent call emptied the deque in between
        if len(hits) >= self.limit:  # RACE[a]: concurrent calls all see one free slot
            self.rejections += 1  # RACE[d]: lost update on the rejection counter
            return False
        hits.append(now)  # RACE[a]: every one of them records a hit, so the limit is exceeded
        return True

    def remaining(self, client: str) -> int:
        hits = self._hits.get(client, ())
        return max(0, self.limit - len(hits))

    def forget_idle(self) -> int:
        now = self._clock()
        idle = [c for c, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]  # RACE[e]: iterates the dict while allow() inserts new clients
        for client in idle:
            del self._hits[client]  # RACE[e]: KeyError if another janitor call removed it first; also drops a deque allow() is about to append to
        return len(idle)


if __name__ == "__main__":
    limiter = RequestLimiter(limit=3, window=1.0)
    print([limiter.allow("10.0.0.1") for _ in range(5)], limiter.remaining("10.0.0.1"))
