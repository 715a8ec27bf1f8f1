# Per-thread counters in threading.local, summed through a queue after the workers finish.
import os
import queue
import threading

_tls = threading.local()
done = queue.Queue()


def make_thumbnail(path):
    with open(path, "rb") as src, open(path + ".thumb", "wb") as dst:
        dst.write(src.read(4096))


def worker(paths):
    _tls.processed = 0
    for path in paths:
        if path.lower().endswith((".jpg", ".png")):
            make_thumbnail(path)
            _tls.processed += 1
    done.put(_tls.processed)


def run(directory, nthreads=4):
    paths = [os.path.join(directory, p) for p in sorted(os.listdir(directory))]
    threads = [threading.Thread(target=worker, args=(paths[i::nthreads],)) for i in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(sum(done.get() for _ in threads), "thumbnails")
