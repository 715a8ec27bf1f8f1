# validation: A shipping-rates client throttles calls to a carrier API with a token bucket shared by several quoting threads started with kwargs.
# source: written blind from a description (holdout batch, 2026-12-05)
import threading
import time


class TokenBucket:
    def __init__(self, rate, capacity):
        self.rate = rate
        self.capacity = capacity
        self.tokens = float(capacity)
        self.updated = time.monotonic()
        self.rejected = 0

    def _refill(self):
        now = time.monotonic()
        elapsed = now - self.updated  # RACE[a]: two threads measure the same elapsed interval...
        self.updated = now  # RACE[a]: ...and both credit it to the bucket
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)  # RACE[a]: refills from a stale token count that another thread just lowered

    def try_acquire(self):
        guard = threading.Lock()
        with guard:
            self._refill()
            if self.tokens >= 1.0:  # RACE[a]: several threads see the last token as available...
                self.tokens -= 1.0  # RACE[a]: ...and all spend it, overdrawing the bucket
                return True
        self.rejected += 1  # RACE[b]: rejections are counted with an unsynchronised += from every thread
        return False


def quote_shipments(*, bucket, parcels, quotes):
    for parcel in parcels:
        while not bucket.try_acquire():
            time.sleep(0.0005)
        quotes.append((parcel, round(4.5 + 0.01 * len(parcel), 2)))


def main():
    bucket = TokenBucket(rate=400.0, capacity=10)
    quotes = []
    threads = []
    for w in range(4):
        parcels = [f"parcel-{w}-{n}" for n in range(25)]
        t = threading.Thread(
            target=quote_shipments,
            kwargs={"bucket": bucket, "parcels": parcels, "quotes": quotes},
        )
        threads.append(t)
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    print(f"{len(quotes)} quotes in {elapsed:.3f}s, {bucket.rejected} throttled attempts")
    print(f"effective rate {len(quotes) / elapsed:.0f}/s (limit 400/s + burst 10)")


if __name__ == "__main__":
    main()
