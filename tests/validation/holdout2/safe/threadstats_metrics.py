# validation: Reduced copy of datadogpy's ThreadStats metric aggregator (after PR #370) used by a web app whose request threads count page views while a background thread flushes the roll-ups.
# source: datadogpy (DataDog/datadogpy) PR #370 "Threadstats: ensure MetricsAggregator is threadsafe"; code read from datadog/threadstats/metrics.py at commit e7364bdcaa480f84438defc8dba66286ed93cff2
# safe: add_point() and flush() hold the aggregator's RLock for the whole lookup-create-add and for the whole walk-pop-sum, so no point is added to a bucket being flushed
import threading
import time
from collections import defaultdict


class Metric(object):
    def add_point(self, value):
        """ Add a point to the given metric. """
        raise NotImplementedError()

    def flush(self, timestamp, interval):
        """ Flush all metrics up to the given timestamp. """
        raise NotImplementedError()


class Counter(Metric):
    """ A metric that tracks a counter value. """

    stats_tag = 'c'

    def __init__(self, name, tags, host):
        self.name = name
        self.tags = tags
        self.host = host
        self.count = []

    def add_point(self, value):
        self.count.append(value)

    def flush(self, timestamp, interval):
        count = sum(self.count, 0)
        return [(timestamp, count, self.name, self.tags, self.host, 'count', interval)]


class MetricsAggregator(object):
    """
    A small class to handle the roll-ups of multiple metrics at once.
    """

    def __init__(self, roll_up_interval=10):
        self._lock = threading.RLock()
        self._metrics = defaultdict(lambda: {})
        self._roll_up_interval = roll_up_interval

    def add_point(self, metric, tags, timestamp, value, metric_class, sample_rate=1, host=None):
        # The sample rate is currently ignored for in process stuff
        interval = timestamp - timestamp % self._roll_up_interval
        key = (metric, host, tuple(sorted(tags)) if tags else None)
        with self._lock:
            if key not in self._metrics[interval]:
                self._metrics[interval][key] = metric_class(metric, tags, host)
            self._metrics[interval][key].add_point(value)

    def flush(self, timestamp):
        """ Flush all metrics up to the given timestamp. """
        if timestamp == float('inf'):
            interval = float('inf')
        else:
            interval = timestamp - timestamp % self._roll_up_interval

        with self._lock:
            past_intervals = [i for i in self._metrics.keys() if i < interval]
            metrics = []
            for i in past_intervals:
                for m in list(self._metrics.pop(i).values()):
                    metrics += m.flush(i, self._roll_up_interval)
        return metrics


class PageStats(object):
    """Reduced ThreadStats: a flush thread posts roll-ups while the app records points."""

    def __init__(self, roll_up_interval, flush_interval):
        self._metric_aggregator = MetricsAggregator(roll_up_interval)
        self.posted = []
        self.flush_errors = 0
        self._stop = threading.Event()
        self._flush_thread = threading.Thread(target=self._flush_loop, args=(flush_interval,))
        self._flush_thread.start()

    def increment(self, metric_name, value=1, tags=None):
        self._metric_aggregator.add_point(metric_name, tags, time.time(), value, Counter)

    def flush(self, timestamp=None):
        self.posted.extend(self._metric_aggregator.flush(timestamp or time.time()))

    def _flush_loop(self, flush_interval):
        while not self._stop.wait(flush_interval):
            try:
                self.flush()
            except RuntimeError:
                self.flush_errors += 1

    def stop(self):
        self._stop.set()
        self._flush_thread.join()
        self.flush(float('inf'))


def serve_pages(stats, n_views):
    for _ in range(n_views):
        stats.increment('shop.page.views', tags=['page:product'])
        time.sleep(0.0001)


if __name__ == "__main__":
    stats = PageStats(roll_up_interval=0.01, flush_interval=0.004)
    workers = [threading.Thread(target=serve_pages, args=(stats, 300)) for _ in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stats.stop()
    total = sum(point[1] for point in stats.posted)
    print("page views reported:", total, "of", 6 * 300, "flush errors:", stats.flush_errors)
