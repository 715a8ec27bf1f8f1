# hazard: sys.setswitchinterval used as a lock (a huge interval to make a batch update "atomic")
import sys
import threading

shared_state = {"version": 0, "items": []}


def publish(items):
    old = sys.getswitchinterval()
    sys.setswitchinterval(1000)
    try:
        shared_state["items"] = list(items)
        shared_state["version"] = shared_state["version"] + 1
    finally:
        sys.setswitchinterval(old)


def writers(batches):
    ts = [threading.Thread(target=publish, args=(b,)) for b in batches]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
