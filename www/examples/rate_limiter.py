"""A token bucket whose fields must change together."""
import threading
import time


class TokenBucket:
    def __init__(self, rate):
        self.rate = rate
        self.tokens = rate
        self.updated = time.monotonic()

    def take(self):
        now = time.monotonic()
        # Three fields computed from each other: another thread can see them half updated.
        self.tokens = min(self.rate, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


bucket = TokenBucket(10)
threads = [threading.Thread(target=bucket.take) for _ in range(4)]
for thread in threads:
    thread.start()
