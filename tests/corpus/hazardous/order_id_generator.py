# hazard: shared generator consumed by several threads (order ids from a module-level generator)
import threading
import time


def _sequence(prefix):
    n = 0
    while True:
        n += 1
        yield f"{prefix}-{n:08d}"


order_ids = _sequence("ORD")


def place_order(customer, items, out):
    order = {"id": next(order_ids), "customer": customer, "items": items, "ts": time.time()}
    out.append(order)


def checkout_burst(carts):
    placed = []
    threads = [threading.Thread(target=place_order, args=(c, i, placed)) for c, i in carts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return placed
