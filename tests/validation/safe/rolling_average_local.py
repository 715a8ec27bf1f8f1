# validation: A telemetry collector where each polling thread keeps running sums in threading.local storage and reports them through a queue when done.
# source: written blind from a description
# safe: the running sums live in threading.local, so each thread sees only its own; totals travel through queue.Queue and are combined by the main thread.
import queue
import random
import threading

_local = threading.local()


def _accumulate(value: float) -> None:
    _local.total = getattr(_local, "total", 0.0) + value
    _local.count = getattr(_local, "count", 0) + 1


def poll_sensor(sensor_id: str, seed: int, samples: int, results: "queue.Queue[tuple[str, float, int]]") -> None:
    rng = random.Random(seed)
    for _ in range(samples):
        _accumulate(20 + rng.gauss(0, 2))
    results.put((sensor_id, _local.total, _local.count))


def main() -> None:
    results: "queue.Queue[tuple[str, float, int]]" = queue.Queue()
    sensors = [f"temp-{i}" for i in range(6)]
    threads = [threading.Thread(target=poll_sensor, args=(s, i, 20000, results)) for i, s in enumerate(sensors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = count = 0
    while not results.empty():
        _, t_sum, t_count = results.get()
        total += t_sum
        count += t_count
    print(f"samples={count} mean={total / count:.3f}")


if __name__ == "__main__":
    main()
