# validation: A metrics library with a registry of named latency histograms (fixed buckets, count and sum) that application threads create on first use and observe into, and an exporter renders as Prometheus text.
# source: written blind from a description (holdout batch, 2026-12-05)
# mode: library
import bisect

DEFAULT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Histogram:
    def __init__(self, name, buckets=DEFAULT_BUCKETS):
        self.name = name
        self.bounds = tuple(buckets)
        self.counts = [0] * (len(self.bounds) + 1)
        self.count = 0
        self.total = 0.0

    def observe(self, seconds):
        slot = bisect.bisect_left(self.bounds, seconds)
        self.counts[slot] += 1  # RACE[b]: concurrent observations of the same bucket lose increments
        self.count += 1  # RACE[b]: the sample count loses increments
        self.total += seconds  # RACE[b]: the running sum loses additions

    def render(self):
        lines = []
        cumulative = 0
        for bound, n in zip(self.bounds + (float("inf"),), self.counts):
            cumulative += n
            le = "+Inf" if bound == float("inf") else repr(bound)
            lines.append(f'{self.name}_bucket{{le="{le}"}} {cumulative}')
        lines.append(f"{self.name}_count {self.count}")
        lines.append(f"{self.name}_sum {self.total:.6f}")
        return lines


class Registry:
    def __init__(self):
        self._metrics = {}

    def histogram(self, name, buckets=DEFAULT_BUCKETS):
        metric = self._metrics.get(name)
        if metric is None:  # RACE[a]: two threads can both find the histogram missing...
            metric = Histogram(name, buckets)
            self._metrics[name] = metric  # RACE[a]: ...and the second registration replaces the first, dropping its samples
        return metric

    def unregister(self, name):
        self._metrics.pop(name, None)  # RACE[c]: removes a histogram while the exporter is iterating the registry

    def exposition(self):
        out = []
        for name, metric in self._metrics.items():  # RACE[c]: the exporter iterates while other threads unregister (or register) histograms
            out.append(f"# TYPE {name} histogram")
            out.extend(metric.render())
        return "\n".join(out) + "\n"


REGISTRY = Registry()


def timed(name):
    import time

    def wrap(fn):
        def inner(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                REGISTRY.histogram(name).observe(time.perf_counter() - start)
        return inner
    return wrap


if __name__ == "__main__":
    @timed("checkout_seconds")
    def checkout(n):
        return sum(range(n))

    for n in (10, 1000, 100000):
        checkout(n)
    REGISTRY.histogram("db_query_seconds").observe(0.03)
    REGISTRY.histogram("scratch_seconds").observe(0.2)
    REGISTRY.unregister("scratch_seconds")
    text = REGISTRY.exposition()
    assert "checkout_seconds_count 3" in text and "db_query_seconds_count 1" in text
    print(text, end="")
