# validation: Load-generator threads record request latencies into a shared histogram and a shared stats object while the main thread prints progress.
# source: written blind from a description
import bisect
import random
import threading
import time
from dataclasses import dataclass, field

BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100]


@dataclass
class RunStats:
    requests: int = 0
    errors: int = 0


@dataclass
class LatencyHistogram:
    counts: list[int] = field(default_factory=lambda: [0] * (len(BUCKETS_MS) + 1))
    total_ms: float = 0.0

    def observe(self, ms: float) -> None:
        i = bisect.bisect_left(BUCKETS_MS, ms)
        self.counts[i] += 1  # RACE[a]: read-modify-write of a shared list slot loses increments
        self.total_ms += ms  # RACE[a]: lost update of the running total


class LoadWorker(threading.Thread):
    def __init__(self, histogram: LatencyHistogram, stats: RunStats, n: int, seed: int) -> None:
        super().__init__(daemon=True)
        self.histogram = histogram
        self.stats = stats
        self.n = n
        self.rng = random.Random(seed)

    def run(self) -> None:
        for _ in range(self.n):
            latency = self.rng.expovariate(1 / 8)
            self.stats.requests += 1  # RACE[b]: all workers share one RunStats; += on its attribute loses updates
            if latency > 60:
                self.stats.errors += 1  # RACE[b]: same lost update on the error counter
            self.histogram.observe(latency)


def main() -> None:
    histogram = LatencyHistogram()
    stats = RunStats()
    workers = [LoadWorker(histogram, stats, 5000, seed) for seed in range(4)]
    for w in workers:
        w.start()
    time.sleep(0.005)
    print("progress:", stats.requests, "requests so far")
    for w in workers:
        w.join()
    print("requests:", stats.requests, "errors:", stats.errors)
    print("histogram:", histogram.counts, "sum:", sum(histogram.counts))


if __name__ == "__main__":
    main()
