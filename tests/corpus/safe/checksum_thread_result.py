# Thread subclass stores its result in run(); the caller reads it only after join().
import hashlib
import threading


class Checksummer(threading.Thread):
    def __init__(self, path):
        super().__init__()
        self.path = path
        self.digest = None
        self.size = 0

    def run(self):
        h = hashlib.sha256()
        size = 0
        with open(self.path, "rb") as fh:
            for block in iter(lambda: fh.read(65536), b""):
                h.update(block)
                size += len(block)
        self.digest = h.hexdigest()
        self.size = size


def checksum_all(paths):
    workers = [Checksummer(p) for p in paths]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return {w.path: (w.digest, w.size) for w in workers}
