# validation: A refund-import pipeline for a payments team where reader threads parse CSV lines into a queue.Queue, validator threads check the refunds and collect the approved ones, and progress counters live in the enclosing function.
# source: written blind from a description
# safe: validators stop only on a sentinel queued after every reader has been joined, and the closure counters are updated under a lock
import queue
import threading
import time

_STOP = object()


def parse(line):
    refund_id, account, cents = line.split(",")
    return {"id": int(refund_id), "account": account, "cents": int(cents)}


def run_import(lines, n_readers=2, n_validators=3):
    raw = queue.Queue()
    approved = []
    counts_lock = threading.Lock()
    approved_count = 0
    denied = 0

    def reader(chunk):
        for line in chunk:
            time.sleep(0.0002)  # slow source file
            raw.put(parse(line))

    def validator():
        nonlocal approved_count, denied
        while True:
            refund = raw.get()
            if refund is _STOP:
                return
            if 0 < refund["cents"] <= 50_000:
                approved.append(refund)
                with counts_lock:
                    approved_count += 1
            else:
                with counts_lock:
                    denied += 1

    chunks = [lines[i::n_readers] for i in range(n_readers)]
    readers = [threading.Thread(target=reader, args=(chunk,)) for chunk in chunks]
    validators = [threading.Thread(target=validator) for _ in range(n_validators)]
    for t in readers + validators:
        t.start()
    for t in readers:
        t.join()
    for _ in validators:
        raw.put(_STOP)
    for t in validators:
        t.join()
    return approved, approved_count, denied, raw.qsize()


if __name__ == "__main__":
    lines = [f"{i},ACC-{i % 23:04d},{(i * 7919) % 60_000}" for i in range(1, 201)]
    approved, approved_count, denied, left = run_import(lines)
    print("approved:", len(approved), "counted:", approved_count, "denied:", denied,
          "left in queue:", left, "of", len(lines))
