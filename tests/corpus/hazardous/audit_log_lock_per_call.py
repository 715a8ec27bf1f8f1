# hazard: lock created per call (each call gets its own lock, so nothing is excluded)
import threading
import time

audit_entries = []
entry_count = 0


def audit(event, user):
    global entry_count
    lock = threading.Lock()
    with lock:
        entry_count += 1
        audit_entries.append((entry_count, time.time(), user, event))


def handle(user, actions):
    for action in actions:
        audit(action, user)


def replay(sessions):
    ts = [threading.Thread(target=handle, args=s) for s in sessions]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
