# validation: A geocoding SDK that tracks the account's daily API quota in a process-wide QuotaTracker, created through a singleton metaclass the first time any application thread makes a request.
# source: written blind from a description
# mode: library
import hashlib
import time


class SingletonMeta(type):
    """Metaclass that hands out one instance per class."""

    _instances = {}

    def __call__(cls, *args, **kwargs):
        if cls not in cls._instances:  # RACE[a]: the first requests of two threads both find no tracker
            cls._instances[cls] = super().__call__(*args, **kwargs)  # RACE[a]: the second tracker replaces the first, and calls charged to the first are forgotten
        return cls._instances[cls]


class QuotaExceeded(RuntimeError):
    pass


class QuotaTracker(metaclass=SingletonMeta):
    def __init__(self, daily_limit=2500):
        self.daily_limit = daily_limit
        self.used = 0
        self.created = time.time()

    def charge(self, calls=1):
        if self.used + calls > self.daily_limit:  # RACE[b]: remaining quota is checked separately from the update
            raise QuotaExceeded(f"daily geocoding quota of {self.daily_limit} reached")
        self.used += calls  # RACE[b]: lost update; concurrent callers can also overspend the quota
        return self.daily_limit - self.used


def geocode(address):
    """Resolve an address (stubbed) and charge one call to the account quota."""
    QuotaTracker().charge(1)
    digest = hashlib.md5(address.encode()).digest()
    return (round(-30 + digest[0] / 4.0, 4), round(-120 + digest[1], 4))


def remaining():
    tracker = QuotaTracker()
    return tracker.daily_limit - tracker.used


if __name__ == "__main__":
    for addr in ("1 Main St, Springfield", "22 Harbour Rd, Portsmouth"):
        print(addr, geocode(addr))
    print("calls left today:", remaining())
