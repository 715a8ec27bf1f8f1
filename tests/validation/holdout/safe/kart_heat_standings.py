# validation: A karting game server where heat threads post lap points to a shared standings table and track the fastest lap, while the main thread prints live standings before the heats end.
# source: written blind from a description (holdout batch, 2026-12-05)
# safe: posting (total update and best-lap compare-and-set) and the standings snapshot all run under the table's lock; the live view iterates a copy taken under that lock
import random
import threading
import time


class Standings:
    def __init__(self):
        self.points = {}
        self.best_lap = 0
        self.best_driver = None
        self._lock = threading.Lock()

    def post(self, driver, lap_points):
        with self._lock:
            self.points[driver] = self.points.get(driver, 0) + lap_points
            if lap_points > self.best_lap:
                self.best_lap = lap_points
                self.best_driver = driver

    def snapshot(self):
        with self._lock:
            return dict(self.points), self.best_driver, self.best_lap

    def top(self, n=5):
        points, _, _ = self.snapshot()
        ranked = []
        for driver, total in points.items():
            ranked.append((total, driver))
        ranked.sort(reverse=True)
        return ranked[:n]


def run_heat(table, heat_id, drivers, laps, seed):
    rng = random.Random(seed)
    for _ in range(laps):
        for driver in drivers:
            table.post(driver, rng.randint(0, 100))
        time.sleep(0.0003)


def main():
    table = Standings()
    heats = []
    for r in range(6):
        drivers = [f"r{r}-d{d}" for d in range(8)]
        t = threading.Thread(target=run_heat, args=(table, r, drivers, 30, r))
        heats.append(t)
        t.start()
    for tick in range(3):
        print(f"live standings #{tick}:", table.top(3))
        time.sleep(0.002)
    for t in heats:
        t.join()
    _, best_driver, best_lap = table.snapshot()
    print("final standings:", table.top())
    print(f"fastest lap: {best_driver} with {best_lap}")


if __name__ == "__main__":
    main()
