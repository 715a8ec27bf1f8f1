# validation: A telemetry agent collects request latencies from handler threads and a repeating threading.Timer flushes the average and count to a metrics file every few milliseconds.
# source: written blind from a description
import os
import random
import tempfile
import threading
import time

samples = []
flushed = {"count": 0, "batches": 0}


def record_latency(ms):
    samples.append(ms)  # RACE[a]: appended between flush()'s read and its clear(), the sample is lost


def flush(path):
    if not samples:
        return
    count = len(samples)  # RACE[a]: length read...
    avg = sum(samples) / count  # RACE[a]: ...sum over a list other threads are appending to
    samples.clear()  # RACE[a]: drops samples appended after the sum
    with open(path, "a") as fh:
        fh.write("latency_avg_ms %.3f %d\n" % (avg, count))
    flushed["count"] += count  # RACE[b]: a late Timer flush and the final flush both update
    flushed["batches"] += 1  # RACE[b]: lost update on the batch counter


class RepeatingFlush:
    def __init__(self, interval, path):
        self.interval, self.path = interval, path
        self._timer = None
        self._stopped = False

    def _tick(self):
        flush(self.path)
        if not self._stopped:  # RACE[c]: checked just before stop() sets it...
            self.start()

    def start(self):
        self._timer = threading.Timer(self.interval, self._tick)
        self._timer.daemon = True
        self._timer.start()

    def stop(self):
        self._stopped = True
        self._timer.cancel()  # RACE[c]: ...so this cancels the old timer while _tick() schedules a new one


def handler(n, rng):
    for _ in range(n):
        record_latency(rng.uniform(0.5, 20.0))
        time.sleep(0.0001)


if __name__ == "__main__":
    path = os.path.join(tempfile.mkdtemp(), "metrics.txt")
    flusher = RepeatingFlush(0.003, path)
    flusher.start()
    handlers = [threading.Thread(target=handler, args=(400, random.Random(i))) for i in range(4)]
    for t in handlers:
        t.start()
    for t in handlers:
        t.join()
    flusher.stop()
    flush(path)
    print("recorded 1600, flushed", flushed["count"], "in", flushed["batches"], "batches")
    os.remove(path)
    os.rmdir(os.path.dirname(path))
