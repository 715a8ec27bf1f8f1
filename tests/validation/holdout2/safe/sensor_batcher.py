# validation: A greenhouse controller that batches sensor readings from several probe threads and ships each batch to its time-series store when a threading.Timer fires or the batch gets full.
# source: written blind from a description
# safe: appending, taking the batch and updating the shipped counter all happen under one lock, so each reading is shipped exactly once
import threading
import time


class ReadingBatcher:
    def __init__(self, sink, max_batch=40, interval=0.01):
        self.sink = sink
        self.max_batch = max_batch
        self.interval = interval
        self._batch = []
        self._lock = threading.Lock()
        self.shipped = 0
        self._timer = None
        self._closed = False
        self._timer_lock = threading.Lock()
        self._arm()

    def _arm(self):
        with self._timer_lock:
            if self._closed:
                return
            self._timer = threading.Timer(self.interval, self._on_timer)
            self._timer.daemon = True
            self._timer.start()

    def _on_timer(self):
        self.flush()
        self._arm()

    def record(self, reading):
        with self._lock:
            self._batch.append(reading)
            full = len(self._batch) >= self.max_batch
        if full:
            self.flush()

    def flush(self):
        with self._lock:
            batch = self._batch
            self._batch = []
            if batch:
                self.sink.extend(batch)
                self.shipped += len(batch)

    def close(self):
        with self._timer_lock:
            self._closed = True
            timer = self._timer
        timer.cancel()
        timer.join()
        self.flush()


def probe(batcher, probe_id, n_readings):
    for i in range(n_readings):
        batcher.record({"probe": probe_id, "seq": i, "humidity": 55 + (i % 7)})
        if i % 10 == 0:
            time.sleep(0.0005)


if __name__ == "__main__":
    sink = []
    batcher = ReadingBatcher(sink)
    probes = [threading.Thread(target=probe, args=(batcher, f"bed-{n}", 250)) for n in range(6)]
    for p in probes:
        p.start()
    for p in probes:
        p.join()
    batcher.close()
    unique = {(r["probe"], r["seq"]) for r in sink}
    print("readings taken: 1500 shipped:", len(sink), "unique:", len(unique), "counter:", batcher.shipped)
