# hazard: check-then-act on a shared list (if pending: pending.pop(0) from several workers)
import threading
import time

pending = []


def submit(job):
    pending.append(job)


def worker(name):
    while True:
        if pending:
            job = pending.pop(0)
            job()
        else:
            time.sleep(0.05)


def start_workers(n=4):
    for i in range(n):
        threading.Thread(target=worker, args=(f"w{i}",), daemon=True).start()
