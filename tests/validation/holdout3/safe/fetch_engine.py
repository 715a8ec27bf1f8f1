# validation: A desktop download manager whose engine starts its own fetch thread on construction while the UI thread queues and cancels downloads and waits for completion.
# source: written blind from a description
# safe: urls travel through a queue.Queue, cancellations are single set.add calls the fetch thread checks, and the UI joins the fetch thread before reading results
import hashlib
import os
import queue
import tempfile
import threading

_DONE = None


class DownloadEngine:
    def __init__(self, target_dir):
        self.target_dir = target_dir
        self._pending = queue.Queue()
        self._cancelled = set()
        self.completed = []
        self.bytes_done = 0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def enqueue(self, url):
        self._pending.put(url)

    def cancel(self, url):
        self._cancelled.add(url)

    def finish(self):
        self._pending.put(_DONE)
        self._thread.join()
        return list(self.completed)

    def _fetch(self, url):
        body = hashlib.sha256(url.encode()).digest() * 64
        path = os.path.join(self.target_dir, url.rsplit("/", 1)[-1])
        with open(path, "wb") as fh:
            fh.write(body)
        return path, len(body)

    def _run(self):
        while True:
            url = self._pending.get()
            if url is _DONE:
                return
            if url in self._cancelled:
                continue
            path, size = self._fetch(url)
            self.bytes_done += size
            self.completed.append(path)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as target:
        engine = DownloadEngine(target)
        urls = ["https://mirror.example/pkg/file%02d.bin" % i for i in range(30)]
        for url in urls[::3]:
            engine.cancel(url)
        for url in urls:
            engine.enqueue(url)
        shown = engine.finish()
        print("cancelled", len(urls[::3]), "completed", len(shown), "of", len(urls) - len(urls[::3]))
