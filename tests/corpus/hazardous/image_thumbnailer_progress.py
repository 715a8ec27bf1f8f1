# hazard: read-modify-write of a module global (progress counter in worker threads)
import os
import threading

processed = 0
skipped = 0


def make_thumbnail(path):
    # Placeholder for the real resize; pretend it writes <name>.thumb next to it.
    with open(path, "rb") as src, open(path + ".thumb", "wb") as dst:
        dst.write(src.read(4096))


def worker(paths):
    global processed, skipped
    for path in paths:
        if not path.lower().endswith((".jpg", ".png")):
            skipped = skipped + 1
            continue
        make_thumbnail(path)
        processed = processed + 1


def run(directory, nthreads=4):
    paths = [os.path.join(directory, p) for p in sorted(os.listdir(directory))]
    chunks = [paths[i::nthreads] for i in range(nthreads)]
    threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"{processed} thumbnails, {skipped} skipped")
