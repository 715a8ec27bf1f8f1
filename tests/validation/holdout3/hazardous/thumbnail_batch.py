# validation: A photo-hosting job renders thumbnails for uploaded images on a thread pool, skipping images another worker is already rendering and keeping per-album byte totals.
# source: written blind from a description
import hashlib
import itertools
import os
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor


class RenderState:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.in_progress = set()
        self.album_bytes = {}
        self.rendered = 0


def fake_resize(data, width):
    digest = hashlib.sha256(data).digest()
    return (digest * (width // 8))[: width * 4]


def add_album_bytes(state, album, size):
    guard = threading.Lock()  # RACE[b]: a new lock per call, so no other thread ever contends for it
    with guard:
        state.album_bytes[album] = state.album_bytes.get(album, 0) + size  # RACE[b]: lost update, lock is per call


def render(upload, state):
    album, name, data = upload
    if name in state.in_progress:  # RACE[a]: two workers given the same image both see it free...
        return None
    state.in_progress.add(name)  # RACE[a]: ...and both render and write the same file
    path = os.path.join(state.out_dir, name + ".thumb")
    thumb = fake_resize(data, 64)
    with open(path, "wb") as fh:
        fh.write(thumb)
    add_album_bytes(state, album, len(thumb))
    state.rendered += 1  # RACE[c]: attribute read-modify-write from every pool thread
    return path


if __name__ == "__main__":
    uploads = [("album%d" % (i % 3), "img%03d" % (i % 40), os.urandom(256)) for i in range(200)]
    with tempfile.TemporaryDirectory() as out_dir:
        state = RenderState(out_dir)
        with ThreadPoolExecutor(max_workers=6) as pool:
            paths = list(pool.map(render, uploads, itertools.repeat(state)))
        print("rendered", state.rendered, "files", len(os.listdir(out_dir)),
              "bytes", sum(state.album_bytes.values()))
