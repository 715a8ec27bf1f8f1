# hazard: read-modify-write of an instance attribute on a shared object (token bucket refilled by a thread)
import threading
import time


class TokenBucket:
    def __init__(self, rate, capacity):
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self._stop = threading.Event()
        self._refiller = threading.Thread(target=self._refill, daemon=True)
        self._refiller.start()

    def _refill(self):
        while not self._stop.wait(1.0):
            self.tokens = min(self.capacity, self.tokens + self.rate)

    def try_acquire(self):
        if self.tokens > 0:
            self.tokens -= 1
            return True
        return False

    def close(self):
        self._stop.set()
        self._refiller.join()
