# validation: A warehouse receiving dock where scanner threads (lambdas with default arguments as targets) tally scanned SKUs into a shared stock dict while the main thread prints a running stock report.
# source: written blind from a description
import random
import threading
import time

SKUS = [f"SKU-{n:04d}" for n in range(40)]


def record_scan(table, sku, qty):
    table.setdefault(sku, 0)  # RACE[a]: adds keys to the dict the main thread is iterating
    table[sku] = table[sku] + qty  # RACE[b]: read-modify-write; scans of the same SKU at two docks lose one update


def unload_truck(dock, table, n_scans):
    rng = random.Random(dock)
    for i in range(n_scans):
        sku = rng.choice(SKUS)
        record_scan(table, sku, 1 + (i % 3))
        if i % 20 == 0:
            time.sleep(0.0005)
    return dock


def report(table):
    lines, total = [], 0
    for sku, qty in table.items():  # RACE[a]: "dictionary changed size during iteration" while scanners add new SKUs
        total += qty
        if qty > 30:
            lines.append(f"{sku}:{qty}")
    return total, lines


if __name__ == "__main__":
    stock = {}
    docks = ["north", "south", "east", "west"]
    scanners = [threading.Thread(target=lambda dock=d, table=stock: unload_truck(dock, table, 400))
                for d in docks]
    for s in scanners:
        s.start()
    while any(s.is_alive() for s in scanners):
        try:
            total, busy = report(stock)
            print(f"running total {total}, busy SKUs {len(busy)}")
        except RuntimeError as exc:
            print("report skipped:", exc)
        time.sleep(0.005)
    for s in scanners:
        s.join()
    expected = 4 * sum(1 + (i % 3) for i in range(400))
    print("units booked:", report(stock)[0], "units scanned:", expected)
