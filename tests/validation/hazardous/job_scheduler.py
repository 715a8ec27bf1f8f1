# validation: A delayed-job scheduler built on threading.Timer where jobs can be cancelled by API threads while their timers fire.
# source: written blind from a description
import threading
import time
from typing import Callable


class JobScheduler:
    def __init__(self) -> None:
        self._timers: dict[str, threading.Timer] = {}
        self.runs = 0
        self.cancelled = 0

    def schedule(self, job_id: str, delay: float, fn: Callable[[], None]) -> None:
        timer = threading.Timer(delay, self._fire, args=(job_id, fn))
        timer.daemon = True
        self._timers[job_id] = timer
        timer.start()

    def _fire(self, job_id: str, fn: Callable[[], None]) -> None:
        fn()
        self.runs += 1  # RACE[b]: many timer threads increment the same attribute; counts are lost
        if job_id in self._timers:  # RACE[a]: check-then-act against cancel() running on an API thread
            del self._timers[job_id]  # RACE[a]: KeyError when cancel() removed the job between the check and the delete

    def cancel(self, job_id: str) -> bool:
        if job_id in self._timers:  # RACE[a]: the timer may fire and remove the job right after this check
            self._timers[job_id].cancel()  # RACE[a]: KeyError if _fire deleted the entry in between
            del self._timers[job_id]  # RACE[a]: second delete of the same key raises KeyError
            self.cancelled += 1  # RACE[c]: cancel() is called from several API threads; increments are lost
            return True
        return False


def main() -> None:
    scheduler = JobScheduler()
    executed: list[str] = []
    for i in range(200):
        scheduler.schedule(f"job{i}", 0.01 + (i % 5) * 0.002, lambda i=i: executed.append(f"job{i}"))

    def api_client(offset: int) -> None:
        for i in range(offset, 200, 3):
            scheduler.cancel(f"job{i}")
            time.sleep(0.00002)

    clients = [threading.Thread(target=api_client, args=(k,)) for k in range(3)]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    time.sleep(0.05)
    print(f"executed={len(executed)} runs={scheduler.runs} cancelled={scheduler.cancelled} pending={len(scheduler._timers)}")


if __name__ == "__main__":
    main()
