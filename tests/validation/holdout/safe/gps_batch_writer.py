# validation: A fleet-tracking agent's buffered writer that starts its own flusher thread in __init__ and appends GPS fixes coming from several vehicle threads to a temp file in batches.
# source: written blind from a description (holdout batch, 2026-12-05)
# safe: producers hand lines to the flusher through a queue.Queue; the acceptance counter is updated under a lock; only the flusher thread touches the file and lines_written, and close() joins it before anyone reads them
import os
import queue
import tempfile
import threading
import time

_STOP = object()


class BatchWriter:
    def __init__(self, path, batch_size=64):
        self.path = path
        self.batch_size = batch_size
        self.lines_written = 0
        self._accepted = 0
        self._count_lock = threading.Lock()
        self._queue = queue.Queue()
        self._flusher = threading.Thread(target=self._flush_loop, daemon=True)
        self._flusher.start()

    @property
    def accepted(self):
        with self._count_lock:
            return self._accepted

    def write(self, line):
        self._queue.put(line)
        with self._count_lock:
            self._accepted += 1

    def _write_batch(self, batch):
        if not batch:
            return
        with open(self.path, "a", encoding="utf-8") as out:
            out.writelines(line + "\n" for line in batch)
        self.lines_written += len(batch)

    def _flush_loop(self):
        batch = []
        while True:
            try:
                item = self._queue.get(timeout=0.002)
            except queue.Empty:
                self._write_batch(batch)
                batch = []
                continue
            if item is _STOP:
                break
            batch.append(item)
            if len(batch) >= self.batch_size:
                self._write_batch(batch)
                batch = []
        self._write_batch(batch)

    def close(self):
        self._queue.put(_STOP)
        self._flusher.join()


def track(writer, vehicle, fixes):
    for i in range(fixes):
        writer.write(f"{vehicle},{i},{52.37 + i * 1e-5:.5f},{4.89 + i * 1e-5:.5f}")
        if i % 50 == 0:
            time.sleep(0.0005)


def main():
    fd, path = tempfile.mkstemp(suffix=".csv")
    os.close(fd)
    try:
        writer = BatchWriter(path)
        vehicles = [
            threading.Thread(target=lambda name=f"truck-{v}": track(writer, name, 400))
            for v in range(5)
        ]
        for t in vehicles:
            t.start()
        for t in vehicles:
            t.join()
        writer.close()
        with open(path, encoding="utf-8") as f:
            on_disk = sum(1 for _ in f)
        print(f"accepted {writer.accepted}, written {writer.lines_written}, on disk {on_disk}")
    finally:
        os.remove(path)


if __name__ == "__main__":
    main()
