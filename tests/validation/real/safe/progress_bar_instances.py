# validation: Reduced copy of tqdm's instance bookkeeping after the fix: the class-level WeakSet and the monitor thread are created, read and changed only under the class lock.
# source: tqdm PR #754 "Fix tqdm._instances race and lock assignments to tqdm class variables" (commits 86dfc619a5be3901a3917762af027354d4c78bc1 and 5157c9bf70077be24525a672547f2cd6da5a55e0, merged as fd6773dd741a7e266b0679db2679ffc430282903)
# safe: every access to cls._instances (creation, add, remove, iteration in _get_free_pos) and every check-and-assign of cls.monitor happens while holding the class RLock.
"""__new__, _get_free_pos, _decr_instances and the disable path of __init__ follow tqdm/_tqdm.py
after the fix; the lock is a class attribute here (tqdm creates it lazily) and display is a stub."""
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
        with cls.get_lock():
            if not hasattr(cls, '_instances'):
                cls._instances = WeakSet()
            cls._instances.add(instance)
            if cls.monitor_interval and (cls.monitor is None or not cls.monitor.report()):
                cls.monitor = TMonitor(cls, cls.monitor_interval)
        return instance

    @classmethod
    def _get_free_pos(cls, instance=None):
        """Skips specified instance. Callers hold cls._lock."""
        positions = set(abs(inst.pos) for inst in cls._instances if inst is not instance and hasattr(inst, "pos"))
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
            if not cls._instances and cls.monitor:
                cls.monitor.exit()
                cls.monitor = None

    def __init__(self, iterable=None, total=None, disable=False, position=None, file=None):
        self.n = 0
        self.total = total
        self.fp = file or io.StringIO()
        if disable:
            self.disable = True
            with self._lock:
                self.pos = self._get_free_pos(self)
                self._instances.remove(self)
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
