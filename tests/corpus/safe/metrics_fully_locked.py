# Every field of the shared metrics object is updated under its lock.
import threading
import time
from concurrent.futures import ThreadPoolExecutor


class Metrics:
    def __init__(self):
        self._lock = threading.Lock()
        self.latencies = []
        self.errors = 0
        self.requests = 0

    def observe(self, seconds, ok):
        with self._lock:
            self.latencies.append(seconds)
            self.requests += 1
            if not ok:
                self.errors += 1

    def snapshot(self):
        with self._lock:
            return {"requests": self.requests, "errors": self.errors}


metrics = Metrics()


def call_backend(item):
    start = time.perf_counter()
    ok = item % 7 != 0
    metrics.observe(time.perf_counter() - start, ok)
    return ok


def run(items):
    with ThreadPoolExecutor(max_workers=8) as ex:
        list(ex.map(call_backend, items))
    return metrics.snapshot()
