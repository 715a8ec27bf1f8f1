# validation: A job runner where one monitor thread samples the queue depth into an unlocked gauge that request threads read for their health endpoint.
# source: written blind from a description
# safe: the gauge attributes have exactly one writer (the monitor thread) and every write is a single attribute store; readers only load a value, which is atomic, and never write back.
import queue
import threading
import time


class DepthGauge:
    def __init__(self) -> None:
        self.current = 0
        self.peak = 0
        self.samples = 0


class Monitor(threading.Thread):
    """The only thread that ever assigns to the gauge."""

    def __init__(self, jobs: "queue.Queue[int]", gauge: DepthGauge, stop: threading.Event) -> None:
        super().__init__(daemon=True, name="depth-monitor")
        self.jobs = jobs
        self.gauge = gauge
        self.stop = stop

    def run(self) -> None:
        while not self.stop.wait(0.0005):
            depth = self.jobs.qsize()
            self.gauge.current = depth
            if depth > self.gauge.peak:
                self.gauge.peak = depth
            self.gauge.samples += 1


def health_check(gauge: DepthGauge) -> str:
    depth = gauge.current
    return "degraded" if depth > 50 else "ok"


def main() -> None:
    jobs: "queue.Queue[int]" = queue.Queue()
    gauge = DepthGauge()
    stop = threading.Event()
    monitor = Monitor(jobs, gauge, stop)
    monitor.start()
    statuses: list[str] = []
    checkers = [threading.Thread(target=lambda: [statuses.append(health_check(gauge)) for _ in range(200)]) for _ in range(3)]
    for c in checkers:
        c.start()
    for i in range(300):
        jobs.put(i)
        if i % 3 == 0:
            jobs.get()
    for c in checkers:
        c.join()
    time.sleep(0.002)
    stop.set()
    monitor.join()
    print(f"peak depth {gauge.peak}, {gauge.samples} samples, {statuses.count('degraded')} degraded answers")


if __name__ == "__main__":
    main()
