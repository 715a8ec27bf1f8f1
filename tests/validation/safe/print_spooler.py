# validation: A print spooler with a bounded job buffer: office threads submit jobs and printer threads take them, coordinated by a threading.Condition.
# source: written blind from a description
# safe: every read and write of the job buffer and the counters happens while holding the Condition's lock; waiting uses wait_for with the predicate re-checked under the lock.
import threading
from collections import deque


class Spooler:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._jobs: deque[str] = deque()
        self._cond = threading.Condition()
        self._closed = False
        self.printed = 0

    def submit(self, job: str) -> None:
        with self._cond:
            self._cond.wait_for(lambda: len(self._jobs) < self.capacity)
            self._jobs.append(job)
            self._cond.notify_all()

    def take(self) -> str | None:
        with self._cond:
            self._cond.wait_for(lambda: self._jobs or self._closed)
            if not self._jobs:
                return None
            job = self._jobs.popleft()
            self._cond.notify_all()
            return job

    def mark_printed(self) -> None:
        with self._cond:
            self.printed += 1

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


def office(spooler: Spooler, desk: int, n: int) -> None:
    for i in range(n):
        spooler.submit(f"desk{desk}-doc{i}.pdf")


def printer(spooler: Spooler) -> None:
    while (job := spooler.take()) is not None:
        spooler.mark_printed()


def main() -> None:
    spooler = Spooler(capacity=5)
    printers = [threading.Thread(target=printer, args=(spooler,)) for _ in range(2)]
    offices = [threading.Thread(target=office, args=(spooler, d, 300)) for d in range(4)]
    for t in printers + offices:
        t.start()
    for t in offices:
        t.join()
    spooler.close()
    for t in printers:
        t.join()
    print("printed", spooler.printed, "of", 4 * 300)


if __name__ == "__main__":
    main()
