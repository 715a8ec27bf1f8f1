# validation: A desktop download manager whose engine starts its own fetch thread on construction while the UI thread queues and cancels downloads and polls for completion.
# source: written blind from a description
import hashlib
import os
import tempfile
import threading
import time


class DownloadEngine:
    def __init__(self, target_dir):
        self.target_dir = target_dir
        self.pending = []
        self.completed = []
        self.bytes_done = 0
        self.idle = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def enqueue(self, url):
        self.pending.append(url)

    def cancel(self, url):
        if url in self.pending:  # RACE[a]: the fetch thread may take the url right after this check...
            self.pending.remove(url)  # RACE[a]: ...so remove() raises ValueError
            return True
        return False

    def _fetch(self, url):
        body = hashlib.sha256(url.encode()).digest() * 64
        path = os.path.join(self.target_dir, url.rsplit("/", 1)[-1])
        with open(path, "wb") as fh:
            fh.write(body)
        return path, len(body)

    def _run(self):
        quiet = 0
        while quiet < 200:
            if not self.pending:  # RACE[b]: emptiness checked, then pop(0) after cancel() removed the last url
                quiet += 1
                time.sleep(0.0005)
                continue
            quiet = 0
            url = self.pending.pop(0)  # RACE[b]: IndexError when the list emptied in between
            if len(self.pending) == 0:
                self.idle = True  # RACE[c]: announces idleness before this download is recorded
            path, size = self._fetch(url)
            self.bytes_done += size
            self.completed.append(path)  # RACE[c]: UI may already have read completed as final


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as target:
        engine = DownloadEngine(target)
        urls = ["https://mirror.example/pkg/file%02d.bin" % i for i in range(30)]
        for url in urls:
            engine.enqueue(url)
        cancelled = sum(engine.cancel(u) for u in urls[::3])
        while not engine.idle and engine._thread.is_alive():  # RACE[c]: polls the early flag
            time.sleep(0.001)
        shown = list(engine.completed)  # RACE[c]: the last download may still be in flight
        print("cancelled", cancelled, "completed", len(shown), "of", len(urls) - cancelled)
