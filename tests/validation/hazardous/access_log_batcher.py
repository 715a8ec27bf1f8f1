# validation: An access-log writer that buffers lines from request threads and flushes them to a file from its own background thread.
# source: written blind from a description
import os
import tempfile
import threading
import time


class AccessLogWriter:
    """Buffers log lines in memory and appends them to ``path`` every ``interval`` seconds."""

    def __init__(self, path: str, interval: float = 0.005) -> None:
        self.path = path
        self.interval = interval
        self._pending: list[str] = []
        self._stop = threading.Event()
        self.lines_written = 0
        self._flusher = threading.Thread(target=self._flush_loop, name="log-flusher", daemon=True)
        self._flusher.start()

    def write(self, line: str) -> None:
        self._pending.append(line)  # RACE[a]: a line appended between the flusher's copy and clear is dropped

    def _flush_loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.flush()
        self.flush()

    def flush(self) -> None:
        batch = list(self._pending)  # RACE[a]: copy of the buffer taken without excluding writers
        self._pending.clear()  # RACE[a]: clear() also discards lines appended after the copy
        if not batch:
            return
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write("\n".join(batch) + "\n")
        self.lines_written += len(batch)

    def close(self) -> None:
        self._stop.set()
        self._flusher.join()


def handle_requests(writer: AccessLogWriter, client: str, n: int) -> None:
    for i in range(n):
        writer.write(f'{client} - - "GET /item/{i} HTTP/1.1" 200 512')
        if i % 50 == 0:
            time.sleep(0.0005)


def main() -> None:
    path = os.path.join(tempfile.mkdtemp(), "access.log")
    writer = AccessLogWriter(path)
    threads = [threading.Thread(target=handle_requests, args=(writer, f"10.0.0.{i}", 2000)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    writer.close()
    with open(path, encoding="utf-8") as fh:
        on_disk = sum(1 for _ in fh)
    print(f"expected 8000 lines, wrote {on_disk}")


if __name__ == "__main__":
    main()
