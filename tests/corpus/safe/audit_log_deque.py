# Append-only audit trail in a bounded deque; appends are single atomic operations.
import collections
import threading
import time

audit_entries = collections.deque(maxlen=10_000)


def audit(event, user):
    audit_entries.append((time.time(), user, event))


def handle(user, actions):
    for action in actions:
        audit(action, user)


def replay(sessions):
    ts = [threading.Thread(target=handle, args=s) for s in sessions]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return list(audit_entries)
