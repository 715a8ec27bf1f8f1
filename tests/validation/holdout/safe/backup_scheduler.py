# validation: A backup scheduler whose runner threads (Thread subclasses holding the scheduler) take due snapshot jobs while an admin thread adds new ones.
# source: written blind from a description (holdout batch, 2026-12-05)
# safe: adding, the due-check plus pop, and the completion counter all happen under the scheduler's one lock; runners keep their own per-thread counts
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
        with self._lock:
            if self.jobs and self.jobs[0][0] <= now:
                return self.jobs.pop(0)
            return None

    def record(self, name):
        with self._lock:
            self.completed += 1
            self.history.append(name)

    def pending(self):
        with self._lock:
            return len(self.jobs)


class Runner(threading.Thread):
    def __init__(self, scheduler, stop, name):
        super().__init__(name=name)
        self.scheduler = scheduler
        self.stop = stop
        self.ran = 0

    def run(self):
        while not self.stop.is_set():
            job = self.scheduler.take_due(time.monotonic())
            if job is None:
                time.sleep(0.0005)
                continue
            _, job_name = job
            time.sleep(0.0002)  # pretend to snapshot the volume
            self.scheduler.record(job_name)
            self.ran += 1


def admin(scheduler, volumes):
    base = time.monotonic()
    for i, volume in enumerate(volumes):
        kind = "incremental" if i % 3 else "full"
        scheduler.add(f"{kind}:{volume}", base + (i % 10) * 0.002)
        if i % 8 == 0:
            time.sleep(0.001)


def main():
    scheduler = Scheduler()
    stop = threading.Event()
    runners = [Runner(scheduler, stop, f"runner-{n}") for n in range(4)]
    for r in runners:
        r.start()
    volumes = [f"vol-{n}" for n in range(120)]
    adder = threading.Thread(target=admin, args=(scheduler, volumes))
    adder.start()
    adder.join()
    deadline = time.monotonic() + 1.0
    while scheduler.pending() and time.monotonic() < deadline:
        time.sleep(0.002)
    stop.set()
    for r in runners:
        r.join()
    print("jobs run per runner:", {r.name: r.ran for r in runners})
    print("completed counter:", scheduler.completed, "history:", len(scheduler.history))


if __name__ == "__main__":
    main()
