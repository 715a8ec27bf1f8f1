# validation: An audit-log writer that buffers events from request threads and flushes them to a file from its own background thread.
# source: written blind from a description
# safe: appends and the flusher's take-the-whole-buffer step both run under one lock (the buffer is swapped, not copied then cleared), and only the flusher thread touches the file and its counter.
import os
import tempfile
import threading
import time


class AuditLogWriter:
    def __init__(self, path: str, interval: float = 0.005) -> None:
        self.path = path
        self.interval = interval
        self._lock = threading.Lock()
        self._pending: list[str] = []
        self._stop = threading.Event()
        self.lines_written = 0
        self._flusher = threading.Thread(target=self._flush_loop, name="audit-flusher", daemon=True)
        self._flusher.start()

    def write(self, event: str) -> None:
        with self._lock:
            self._pending.append(event)

    def _take_batch(self) -> list[str]:
        with self._lock:
            batch, self._pending = self._pending, []
        return batch

    def _flush_loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._flush()
        self._flush()

    def _flush(self) -> None:
        batch = self._take_batch()
        if not batch:
            return
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write("\n".join(batch) + "\n")
        self.lines_written += len(batch)

    def close(self) -> int:
        self._stop.set()
        self._flusher.join()
        return self.lines_written


def handle_requests(writer: AuditLogWriter, user: str, n: int) -> None:
    for i in range(n):
        writer.write(f"user={user} action=view item={i}")
        if i % 50 == 0:
            time.sleep(0.0005)


def main() -> None:
    path = os.path.join(tempfile.mkdtemp(), "audit.log")
    writer = AuditLogWriter(path)
    threads = [threading.Thread(target=handle_requests, args=(writer, f"u{i}", 2000)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    written = writer.close()
    print(f"expected 8000 lines, flusher wrote {written}")


if __name__ == "__main__":
    main()
