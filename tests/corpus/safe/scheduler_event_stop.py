# A periodic job loop in one thread: its counters are locals, stopping is an Event.
import threading
import time


class Scheduler:
    def __init__(self, interval, func):
        self.interval = interval
        self.func = func
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        runs = 0
        while not self._stop.wait(self.interval):
            started = time.monotonic()
            self.func()
            runs += 1
            print(f"run {runs} took {time.monotonic() - started:.3f}s")

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()
