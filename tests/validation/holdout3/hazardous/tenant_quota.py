# validation: A multi-tenant API gateway module that enforces a per-tenant request quota per fixed one-second window, called by every request-handling thread.
# source: written blind from a description
# mode: library
import time


class WindowQuota:
    """Allow at most `limit` calls per tenant in each fixed window."""

    def __init__(self, limit, window=1.0, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._window_start = clock()
        self._counts = {}
        self.rejected = 0

    def _roll_window(self, now):
        if now - self._window_start >= self.window:  # RACE[b]: two threads both see an expired window...
            self._window_start = now  # RACE[b]: ...and both restart it
            self._counts = {}  # RACE[b]: the second reset drops calls counted since the first

    def allow(self, tenant):
        self._roll_window(self._clock())
        used = self._counts.get(tenant, 0)  # RACE[a]: read of the tenant's count...
        if used >= self.limit:
            self.rejected += 1  # RACE[c]: lost update on the rejection counter
            return False
        self._counts[tenant] = used + 1  # RACE[a]: ...written back later; concurrent calls exceed the quota
        return True

    def remaining(self, tenant):
        return max(0, self.limit - self._counts.get(tenant, 0))

    def snapshot(self):
        return {"window_start": self._window_start, "rejected": self.rejected,
                "tenants": len(self._counts)}


_default = None


def default_quota():
    global _default
    if _default is None:  # RACE[d]: concurrent first callers each build a quota object
        _default = WindowQuota(limit=100)  # RACE[d]: the loser's counts are thrown away
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
