# validation: An order-import pipeline for a wholesale shop where reader threads parse CSV lines into a queue.Queue, validator threads check the orders and collect the accepted ones, and progress counters live in the enclosing function.
# source: written blind from a description
import queue
import threading
import time


def parse(line):
    order_id, sku, qty = line.split(",")
    return {"id": int(order_id), "sku": sku, "qty": int(qty)}


def run_import(lines, n_readers=2, n_validators=3):
    raw = queue.Queue()
    accepted = []
    state = {"reading_done": False}
    validated = 0
    rejected = 0

    def reader(chunk):
        for line in chunk:
            time.sleep(0.0002)  # slow source file
            raw.put(parse(line))  # RACE[a]: the orders the "done" flag announces are still being queued

    def validator():
        nonlocal validated, rejected
        while True:
            if state["reading_done"] and raw.empty():  # RACE[a]: trusts the flag and stops while readers are still queueing
                return
            try:
                order = raw.get(timeout=0.005)
            except queue.Empty:
                continue
            if order["qty"] > 0:
                accepted.append(order)
                validated += 1  # RACE[b]: closure counter incremented by several validator threads
            else:
                rejected += 1  # RACE[c]: closure counter incremented by several validator threads

    chunks = [lines[i::n_readers] for i in range(n_readers)]
    readers = [threading.Thread(target=reader, args=(chunk,)) for chunk in chunks]
    validators = [threading.Thread(target=validator) for _ in range(n_validators)]
    for t in readers + validators:
        t.start()
    state["reading_done"] = True  # RACE[a]: set as soon as the readers are started, not when they have finished
    for t in readers + validators:
        t.join()
    return accepted, validated, rejected, raw.qsize()


if __name__ == "__main__":
    lines = [f"{i},SKU-{i % 17:03d},{(i % 9) - 1}" for i in range(1, 201)]
    accepted, validated, rejected, left = run_import(lines)
    print("accepted:", len(accepted), "validated:", validated, "rejected:", rejected,
          "left in queue:", left, "of", len(lines))
