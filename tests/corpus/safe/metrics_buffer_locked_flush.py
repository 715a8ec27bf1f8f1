# The snapshot and the clear happen under the lock that producers also take.
import json
import threading
from concurrent.futures import ThreadPoolExecutor

_pending = []
_pending_lock = threading.Lock()


def record(event):
    with _pending_lock:
        _pending.append(event)


def flush():
    with _pending_lock:
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
