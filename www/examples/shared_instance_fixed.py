"""One progress tracker shared by the download threads, with a lock of its own."""
import threading


class Progress:
    def __init__(self):
        self.done = 0
        self._lock = threading.Lock()

    def step(self):
        with self._lock:
            self.done += 1


progress = Progress()


def download(url):
    progress.step()


threads = [threading.Thread(target=download, args=(url,)) for url in ["a", "b", "c"]]
for thread in threads:
    thread.start()
