"""One progress tracker shared by the download threads."""
import threading


class Progress:
    def __init__(self):
        self.done = 0

    def step(self):
        # Several threads call this on the same object: increments can be lost.
        self.done += 1


progress = Progress()


def download(url):
    progress.step()


threads = [threading.Thread(target=download, args=(url,)) for url in ["a", "b", "c"]]
for thread in threads:
    thread.start()
