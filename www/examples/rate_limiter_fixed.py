"""A token bucket whose fields change together under one lock."""
import threading
import time


class TokenBucket:
    def __init__(self, rate):
        self.rate = rate
        self.tokens = rate
        self.updated = time.monotonic()
        self._lock = threading.Lock()

    def take(self):
        with self._lock:
            now = time.monotonic()
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
