# validation: A cron-like job runner for a web-hosting control panel: two dispatcher threads pop due jobs from a heap and submit them to a ThreadPoolExecutor, and repeating jobs push their next run back onto the heap from the pool threads.
# source: written blind from a description
import heapq
import threading
import time
from concurrent.futures import ThreadPoolExecutor


class CronRunner:
    def __init__(self, executor):
        self.executor = executor
        self._heap = []
        self._seq = 0
        self._lock = threading.Lock()
        self.runs = {}
        self.early = []
        self.empty_pops = []

    def schedule(self, when, name, every=None):
        with self._lock:
            self._seq += 1
            heapq.heappush(self._heap, (when, self._seq, name, every))  # RACE[a]: guarded here, but dispatch() reads and pops the heap without this lock

    def _run(self, name, every, when):
        started = time.monotonic()
        if started < when:
            self.early.append((name, round(when - started, 4)))
        time.sleep(0.0005)  # rotate logs, renew a certificate, ...
        self.runs[name] = self.runs.get(name, 0) + 1  # RACE[b]: lost update when two runs of the same job finish together
        if every:
            self.schedule(when + every, name, every)

    def dispatch(self, until):
        while time.monotonic() < until:
            now = time.monotonic()
            if self._heap and self._heap[0][0] <= now:  # RACE[a]: both dispatchers can see the same due job at the head
                try:
                    when, _, name, every = heapq.heappop(self._heap)  # RACE[a]: the second pop takes a job that is not due yet, or fails on an empty heap
                except IndexError:
                    self.empty_pops.append(now)
                    continue
                self.executor.submit(self._run, name, every, when)
            else:
                time.sleep(0.0005)


if __name__ == "__main__":
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        cron = CronRunner(pool)
        cron.schedule(start, "rotate-logs", every=0.004)
        cron.schedule(start, "renew-certs", every=0.006)
        cron.schedule(start, "backup-db", every=0.005)
        cron.schedule(start + 0.02, "purge-tmp")
        dispatchers = [threading.Thread(target=cron.dispatch, args=(start + 0.15,)) for _ in range(2)]
        for d in dispatchers:
            d.start()
        for d in dispatchers:
            d.join()
    print("runs:", dict(sorted(cron.runs.items())))
    print("jobs started before they were due:", len(cron.early), "empty pops:", len(cron.empty_pops))
