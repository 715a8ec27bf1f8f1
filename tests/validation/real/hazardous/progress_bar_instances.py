# validation: Reduced copy of tqdm's instance bookkeeping (tqdm 4.32): progress bars register in a class-level WeakSet, and some paths read or create that set and the monitor thread outside the class lock.
# source: tqdm PR #754 "Fix tqdm._instances race and lock assignments to tqdm class variables" (commits 86dfc619a5be3901a3917762af027354d4c78bc1 and 5157c9bf70077be24525a672547f2cd6da5a55e0, merged as fd6773dd741a7e266b0679db2679ffc430282903)
"""__new__, _get_free_pos, _decr_instances and the disable path of __init__ follow tqdm/_tqdm.py
before the fix; the lock is a class attribute here (tqdm creates it lazily) and display is a stub."""
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from weakref import WeakSet


class TMonitor(threading.Thread):
    """Monitoring thread; reduced to start/report/exit."""

    def __init__(self, tqdm_cls, sleep_interval):
        super().__init__(daemon=True)
        self.tqdm_cls = tqdm_cls
        self.sleep_interval = sleep_interval
        self.was_killed = threading.Event()
        self.start()

    def run(self):
        self.was_killed.wait()

    def exit(self):
        self.was_killed.set()

    def report(self):
        return not self.was_killed.is_set()


class ProgressBar:
    monitor_interval = 10
    monitor = None
    _lock = threading.RLock()

    @classmethod
    def get_lock(cls):
        return cls._lock

    def __new__(cls, *args, **kwargs):
        instance = object.__new__(cls)
        if not hasattr(cls, '_instances'):  # RACE[b]: two bars created at once both see no instance set
            cls._instances = WeakSet()  # RACE[b]: the second WeakSet replaces the first; bars registered in it are lost
        with cls.get_lock():
            cls._instances.add(instance)
        if cls.monitor_interval and (cls.monitor is None or not cls.monitor.report()):  # RACE[c]: check outside the lock: two creators both start a monitor
            cls.monitor = TMonitor(cls, cls.monitor_interval)  # RACE[c]: the first monitor thread is orphaned and never told to exit
        return instance

    @classmethod
    def _get_free_pos(cls, instance=None):
        """Skips specified instance."""
        positions = set(abs(inst.pos) for inst in cls._instances if inst is not instance and hasattr(inst, "pos"))  # RACE[a]: iterates the WeakSet; unsafe when a caller does not hold the lock
        return min(set(range(len(positions) + 1)).difference(positions))

    @classmethod
    def _decr_instances(cls, instance):
        with cls._lock:
            try:
                cls._instances.remove(instance)
            except KeyError:
                pass
            for inst in cls._instances:
                if hasattr(inst, "pos") and inst.pos > abs(instance.pos):
                    inst.pos -= 1
        if not cls._instances and cls.monitor:  # RACE[c]: decided outside the lock: a bar created meanwhile loses its monitor
            cls.monitor.exit()  # RACE[c]: kills the monitor a concurrent __new__ just relied on
            cls.monitor = None

    def __init__(self, iterable=None, total=None, disable=False, position=None, file=None):
        self.n = 0
        self.total = total
        self.fp = file or io.StringIO()
        if disable:
            self.disable = True
            self.pos = self._get_free_pos(self)  # RACE[a]: called without the class lock while other threads add bars to _instances ("Set changed size during iteration")
            self._instances.remove(self)  # RACE[a]: mutates the shared set without the lock while others iterate it
            return
        self.disable = False
        with self._lock:
            self.pos = self._get_free_pos(self) if position is None else -position
            self.fp.write(f"[bar {self.pos}] 0/{total}\n")

    def update(self, n=1):
        self.n += n

    def close(self):
        if self.disable:
            return
        self._decr_instances(self)


def download(file_id, quiet, out):
    bar = ProgressBar(total=100, disable=quiet, file=out)
    for _ in range(100):
        bar.update()
    bar.close()
    return bar.n


if __name__ == "__main__":
    out = io.StringIO()
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(download, range(300), [i % 3 == 0 for i in range(300)], [out] * 300))
    with ProgressBar.get_lock():
        if ProgressBar.monitor is not None:
            ProgressBar.monitor.exit()
    alive = sum(isinstance(t, TMonitor) and t.report() for t in threading.enumerate())
    print(f"{sum(counts)} updates, {alive} monitor thread(s) still alive")
