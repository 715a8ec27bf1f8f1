# hazard: copy-then-clear of a shared buffer (events appended between list() and clear() are lost)
import json
import threading
from concurrent.futures import ThreadPoolExecutor

_pending = []


def record(event):
    _pending.append(event)


def flush():
    batch = list(_pending)
    _pending.clear()
    if batch:
        print(json.dumps(batch))
    threading.Timer(1.0, flush).start()


def handle(request_id):
    record({"request": request_id})


threading.Timer(1.0, flush).start()
with ThreadPoolExecutor(max_workers=8) as pool:
    pool.map(handle, range(1000))
