# validation: A courier depot's sorting belt where scanner threads (lambdas with default arguments as targets) tally parcels per destination zone into a shared dict while the main thread prints a running sorting report.
# source: written blind from a description
# safe: every update of the tally and every report snapshot take the same lock; the report iterates a private copy made under that lock
import random
import threading
import time

ZONES = [f"ZONE-{n:02d}" for n in range(40)]


def record_scan(table, lock, zone, parcels):
    with lock:
        table[zone] = table.get(zone, 0) + parcels


def run_belt(belt, table, lock, n_scans):
    rng = random.Random(belt)
    for i in range(n_scans):
        zone = rng.choice(ZONES)
        record_scan(table, lock, zone, 1 + (i % 3))
        if i % 20 == 0:
            time.sleep(0.0005)
    return belt


def report(table, lock):
    with lock:
        snapshot = dict(table)
    lines, total = [], 0
    for zone, parcels in snapshot.items():
        total += parcels
        if parcels > 30:
            lines.append(f"{zone}:{parcels}")
    return total, lines


if __name__ == "__main__":
    tally = {}
    tally_lock = threading.Lock()
    belts = ["belt-a", "belt-b", "belt-c", "belt-d"]
    scanners = [threading.Thread(target=lambda belt=b, table=tally, lock=tally_lock: run_belt(belt, table, lock, 400))
                for b in belts]
    for s in scanners:
        s.start()
    while any(s.is_alive() for s in scanners):
        total, busy = report(tally, tally_lock)
        print(f"running total {total}, busy zones {len(busy)}")
        time.sleep(0.005)
    for s in scanners:
        s.join()
    expected = 4 * sum(1 + (i % 3) for i in range(400))
    print("parcels sorted:", report(tally, tally_lock)[0], "parcels scanned:", expected)
