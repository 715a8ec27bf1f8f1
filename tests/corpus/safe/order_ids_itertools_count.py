# itertools.count is the usual lock-free id source (what threading.py itself uses).
import itertools
import threading
import time

_order_seq = itertools.count(1)


def place_order(customer, items, out):
    order = {"id": f"ORD-{next(_order_seq):08d}", "customer": customer, "items": items, "ts": time.time()}
    out.append(order)


def checkout_burst(carts):
    placed = []
    threads = [threading.Thread(target=place_order, args=(c, i, placed)) for c, i in carts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return placed
