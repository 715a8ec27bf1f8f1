# validation: A multi-tenant API gateway module that enforces a per-tenant request quota per fixed one-second window, called by every request-handling thread.
# source: written blind from a description
# mode: library
# safe: window roll-over, the count check and the increment happen under one lock; the default limiter is built at import time
import threading
import time


class WindowQuota:
    """Allow at most `limit` calls per tenant in each fixed window."""

    def __init__(self, limit, window=1.0, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._window_start = clock()
        self._counts = {}
        self.rejected = 0

    def _roll_window(self, now):
        # caller holds self._lock
        if now - self._window_start >= self.window:
            self._window_start = now
            self._counts = {}

    def allow(self, tenant):
        now = self._clock()
        with self._lock:
            self._roll_window(now)
            used = self._counts.get(tenant, 0)
            if used >= self.limit:
                self.rejected += 1
                return False
            self._counts[tenant] = used + 1
            return True

    def remaining(self, tenant):
        with self._lock:
            return max(0, self.limit - self._counts.get(tenant, 0))

    def snapshot(self):
        with self._lock:
            return {"window_start": self._window_start, "rejected": self.rejected,
                    "tenants": len(self._counts)}


_default = WindowQuota(limit=100)


def default_quota():
    return _default


def check_request(tenant):
    """Entry point used by the gateway's request handlers."""
    return default_quota().allow(tenant)


if __name__ == "__main__":
    fake_now = [0.0]
    quota = WindowQuota(limit=3, clock=lambda: fake_now[0])
    results = [quota.allow("acme") for _ in range(5)]
    assert results == [True, True, True, False, False], results
    fake_now[0] = 1.5
    assert quota.allow("acme") and quota.remaining("acme") == 2
    assert check_request("globex")
    print("quota ok:", quota.snapshot())
