# validation: A clickstream collector for a web shop that batches click events from request threads and ships each batch when a threading.Timer fires or the batch gets full.
# source: written blind from a description
import threading
import time


class ClickBatcher:
    def __init__(self, sink, max_batch=40, interval=0.01):
        self.sink = sink
        self.max_batch = max_batch
        self.interval = interval
        self._batch = []
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

    def record(self, event):
        self._batch.append(event)  # RACE[a]: may append to the list flush() has just detached and shipped
        if len(self._batch) >= self.max_batch:
            self.flush()

    def flush(self):
        batch = self._batch  # RACE[a]: the timer thread and request threads can take the same list
        self._batch = []  # RACE[a]: replaces the list while other threads still append to the old one
        if batch:
            self.sink.extend(batch)  # RACE[a]: events appended to `batch` after this copy are lost; a batch taken twice is shipped twice
            self.shipped += len(batch)  # RACE[b]: lost update when the timer thread and a request thread flush together

    def close(self):
        with self._timer_lock:
            self._closed = True
            timer = self._timer
        timer.cancel()
        timer.join()
        self.flush()


def browse(batcher, user, n_clicks):
    for i in range(n_clicks):
        batcher.record({"user": user, "page": f"/product/{i % 25}", "seq": i})
        if i % 10 == 0:
            time.sleep(0.0005)


if __name__ == "__main__":
    sink = []
    batcher = ClickBatcher(sink)
    users = [threading.Thread(target=browse, args=(batcher, f"u{n}", 250)) for n in range(6)]
    for u in users:
        u.start()
    for u in users:
        u.join()
    batcher.close()
    unique = {(e["user"], e["seq"]) for e in sink}
    print("clicks recorded: 1500 shipped:", len(sink), "unique:", len(unique), "counter:", batcher.shipped)
