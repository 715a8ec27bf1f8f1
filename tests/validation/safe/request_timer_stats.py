# validation: Load-generator threads each time their own requests and the main thread merges the per-thread latency stats after joining them.
# source: written blind from a description
# safe: each LoadWorker thread is the only writer of its own WorkerStats until the main thread joins it; the main thread merges the stats only after every join.
import random
import statistics
import threading
from dataclasses import dataclass, field


@dataclass
class WorkerStats:
    requests: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)


class LoadWorker(threading.Thread):
    """Owns its WorkerStats exclusively until the main thread joins it."""

    def __init__(self, n: int, seed: int) -> None:
        super().__init__()
        self.n = n
        self.rng = random.Random(seed)
        self.stats = WorkerStats()

    def run(self) -> None:
        for _ in range(self.n):
            latency = self.rng.expovariate(1 / 8)
            self.stats.requests += 1
            if latency > 60:
                self.stats.errors += 1
            self.stats.latencies.append(latency)


def merge(workers: list[LoadWorker]) -> WorkerStats:
    total = WorkerStats()
    for w in workers:
        total.requests += w.stats.requests
        total.errors += w.stats.errors
        total.latencies.extend(w.stats.latencies)
    return total


def main() -> None:
    workers = [LoadWorker(5000, seed) for seed in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    total = merge(workers)
    print(f"requests={total.requests} errors={total.errors} p50={statistics.median(total.latencies):.2f}ms")


if __name__ == "__main__":
    main()
