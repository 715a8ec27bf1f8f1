# The mean and the count change together under the object's lock.
import threading


class LatencyStats:
    def __init__(self):
        self._lock = threading.Lock()
        self.count = 0
        self.mean = 0.0

    def observe(self, seconds):
        with self._lock:
            self.mean = (self.mean * self.count + seconds) / (self.count + 1)
            self.count = self.count + 1

    def snapshot(self):
        with self._lock:
            return self.count, self.mean


stats = LatencyStats()


def worker(samples):
    for sample in samples:
        stats.observe(sample)


threads = [threading.Thread(target=worker, args=([0.1, 0.2],)) for _ in range(4)]
for t in threads:
    t.start()
