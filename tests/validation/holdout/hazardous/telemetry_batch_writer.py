# validation: A telemetry agent's buffered line writer that starts its own flusher thread in __init__ and appends sensor readings coming from several collector threads to a temp file in batches.
# source: written blind from a description (holdout batch, 2026-12-05)
import os
import tempfile
import threading
import time


class BatchWriter:
    def __init__(self, path, interval=0.002):
        self.path = path
        self.interval = interval
        self.buffer = []
        self.accepted = 0
        self.lines_written = 0
        self._stop = threading.Event()
        self._flusher = threading.Thread(target=self._flush_loop, daemon=True)
        self._flusher.start()

    def write(self, line):
        self.buffer.append(line)  # RACE[a]: a line appended between the flusher's write loop and its clear() is lost
        self.accepted += 1  # RACE[b]: collector threads increment the counter concurrently and lose updates

    def _flush_once(self):
        if not self.buffer:
            return
        with open(self.path, "a", encoding="utf-8") as out:
            for line in self.buffer:  # RACE[a]: iterates the buffer while collectors keep appending
                out.write(line + "\n")
                self.lines_written += 1
        self.buffer.clear()  # RACE[a]: clears lines that arrived after the loop without writing them

    def _flush_loop(self):
        while not self._stop.wait(self.interval):
            self._flush_once()
        self._flush_once()

    def close(self):
        self._stop.set()
        self._flusher.join()


def collect(writer, sensor, samples):
    for i in range(samples):
        writer.write(f"{sensor},{i},{20.0 + (i % 13) * 0.1:.1f}")
        if i % 50 == 0:
            time.sleep(0.0005)


def main():
    fd, path = tempfile.mkstemp(suffix=".csv")
    os.close(fd)
    try:
        writer = BatchWriter(path)
        collectors = [
            threading.Thread(target=lambda name=f"sensor-{s}": collect(writer, name, 400))
            for s in range(5)
        ]
        for t in collectors:
            t.start()
        for t in collectors:
            t.join()
        writer.close()
        with open(path, encoding="utf-8") as f:
            on_disk = sum(1 for _ in f)
        print(f"accepted {writer.accepted}, written {writer.lines_written}, on disk {on_disk}")
    finally:
        os.remove(path)


if __name__ == "__main__":
    main()
