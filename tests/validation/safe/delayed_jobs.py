# validation: A delayed-job scheduler built on threading.Timer where API threads cancel jobs while their timers fire.
# source: written blind from a description
# safe: the timer table is only changed with single atomic pops (whoever pops a job owns it), and the run/cancel counters are updated under the scheduler lock.
import threading
import time
from typing import Callable


class DelayedJobs:
    def __init__(self) -> None:
        self._timers: dict[str, threading.Timer] = {}
        self._lock = threading.Lock()
        self.runs = 0
        self.cancelled = 0

    def schedule(self, job_id: str, delay: float, fn: Callable[[], None]) -> None:
        timer = threading.Timer(delay, self._fire, args=(job_id, fn))
        timer.daemon = True
        self._timers[job_id] = timer
        timer.start()

    def _fire(self, job_id: str, fn: Callable[[], None]) -> None:
        if self._timers.pop(job_id, None) is None:
            return  # cancelled just before firing
        fn()
        with self._lock:
            self.runs += 1

    def cancel(self, job_id: str) -> bool:
        timer = self._timers.pop(job_id, None)
        if timer is None:
            return False
        timer.cancel()
        with self._lock:
            self.cancelled += 1
        return True


def main() -> None:
    jobs = DelayedJobs()
    executed: list[str] = []
    for i in range(200):
        jobs.schedule(f"job{i}", 0.01 + (i % 5) * 0.002, lambda i=i: executed.append(f"job{i}"))

    def api_client(offset: int) -> None:
        for i in range(offset, 200, 2):
            jobs.cancel(f"job{i}")
            time.sleep(0.00002)

    clients = [threading.Thread(target=api_client, args=(k,)) for k in range(3)]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    time.sleep(0.05)
    with jobs._lock:
        runs, cancelled = jobs.runs, jobs.cancelled
    print(f"executed={len(executed)} runs={runs} cancelled={cancelled} total={runs + cancelled}")


if __name__ == "__main__":
    main()
