# validation: A database maintenance scheduler whose runner threads (Thread subclasses holding the scheduler) take due vacuum and reindex jobs while an admin thread adds new ones.
# source: written blind from a description (holdout batch, 2026-12-05)
import bisect
import threading
import time


class Scheduler:
    def __init__(self):
        self._lock = threading.Lock()
        self.jobs = []
        self.completed = 0
        self.history = []

    def add(self, name, run_at):
        with self._lock:
            bisect.insort(self.jobs, (run_at, name))

    def take_due(self, now):
        if self.jobs and self.jobs[0][0] <= now:  # RACE[a]: another runner can take the job between this check...
            return self.jobs.pop(0)  # RACE[a]: ...and this pop, so this runner takes a job that is not due or hits IndexError
        return None

    def record(self, name):
        self.completed += 1  # RACE[b]: runners bump the counter without the lock and lose increments
        self.history.append(name)


class Runner(threading.Thread):
    def __init__(self, scheduler, stop, name):
        super().__init__(name=name)
        self.scheduler = scheduler
        self.stop = stop
        self.ran = 0

    def run(self):
        while not self.stop.is_set():
            try:
                job = self.scheduler.take_due(time.monotonic())
            except IndexError:
                continue
            if job is None:
                time.sleep(0.0005)
                continue
            _, job_name = job
            time.sleep(0.0002)  # pretend to VACUUM / REINDEX
            self.scheduler.record(job_name)
            self.ran += 1


def admin(scheduler, tables):
    base = time.monotonic()
    for i, table in enumerate(tables):
        kind = "vacuum" if i % 2 else "reindex"
        scheduler.add(f"{kind}:{table}", base + (i % 10) * 0.002)
        if i % 8 == 0:
            time.sleep(0.001)


def main():
    scheduler = Scheduler()
    stop = threading.Event()
    runners = [Runner(scheduler, stop, f"runner-{n}") for n in range(4)]
    for r in runners:
        r.start()
    tables = [f"table_{n}" for n in range(120)]
    adder = threading.Thread(target=admin, args=(scheduler, tables))
    adder.start()
    adder.join()
    deadline = time.monotonic() + 1.0
    while scheduler.jobs and time.monotonic() < deadline:
        time.sleep(0.002)
    stop.set()
    for r in runners:
        r.join()
    print("jobs run per runner:", {r.name: r.ran for r in runners})
    print("completed counter:", scheduler.completed, "history:", len(scheduler.history))


if __name__ == "__main__":
    main()
