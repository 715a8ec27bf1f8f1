# validation: An SMS notification sender throttles calls to the SMS gateway with a token bucket shared by several sender threads started with kwargs.
# source: written blind from a description (holdout batch, 2026-12-05)
# safe: the bucket's lock is created once in __init__ and held across the refill, the token check-and-spend, and the rejection counter
import threading
import time


class TokenBucket:
    def __init__(self, rate, capacity):
        self.rate = rate
        self.capacity = capacity
        self.tokens = float(capacity)
        self.updated = time.monotonic()
        self.rejected = 0
        self._lock = threading.Lock()

    def _refill(self):
        now = time.monotonic()
        elapsed = now - self.updated
        self.updated = now
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)

    def try_acquire(self):
        with self._lock:
            self._refill()
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                return True
            self.rejected += 1
            return False


def send_messages(*, bucket, recipients, sent):
    for number in recipients:
        while not bucket.try_acquire():
            time.sleep(0.0005)
        sent.append((number, "Your code is 123456"))


def main():
    bucket = TokenBucket(rate=400.0, capacity=10)
    sent = []
    threads = []
    for w in range(4):
        recipients = [f"+3161234{w}{n:03d}" for n in range(25)]
        t = threading.Thread(
            target=send_messages,
            kwargs={"bucket": bucket, "recipients": recipients, "sent": sent},
        )
        threads.append(t)
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    print(f"{len(sent)} messages in {elapsed:.3f}s, {bucket.rejected} throttled attempts")
    print(f"effective rate {len(sent) / elapsed:.0f}/s (limit 400/s + burst 10)")


if __name__ == "__main__":
    main()
