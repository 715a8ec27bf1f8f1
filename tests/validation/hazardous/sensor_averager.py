# validation: A telemetry collector that polls several sensors in threads and keeps a running total in variables of the enclosing function.
# source: written blind from a description
import random
import threading
import time


def collect(sensor_ids: list[str], samples_per_sensor: int) -> tuple[float, int, dict[str, float]]:
    total = 0.0
    count = 0
    latest: dict[str, float] = {}

    def poll(sensor_id: str, seed: int) -> None:
        nonlocal total, count
        rng = random.Random(seed)
        for _ in range(samples_per_sensor):
            value = 20 + rng.gauss(0, 2)
            total += value  # RACE[a]: nonlocal total shared by every polling thread; read-add-store loses samples
            count += 1  # RACE[a]: the sample count drifts from the total, so the average is wrong
            latest[sensor_id] = value
        time.sleep(0.0001)

    threads = [threading.Thread(target=lambda s=s, i=i: poll(s, i)) for i, s in enumerate(sensor_ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return total, count, latest


def main() -> None:
    sensors = [f"temp-{i}" for i in range(6)]
    total, count, latest = collect(sensors, 20000)
    print(f"samples={count} (expected {6 * 20000}) mean={total / max(count, 1):.3f} sensors={len(latest)}")


if __name__ == "__main__":
    main()
