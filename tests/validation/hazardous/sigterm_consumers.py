# validation: A queue-consuming worker service whose consumer threads each install a SIGTERM handler for graceful shutdown when they start.
# source: written blind from a description
import logging
import queue
import signal
import threading

log = logging.getLogger("worker")


class Consumer:
    def __init__(self, name: str, jobs: "queue.Queue[int | None]") -> None:
        self.name = name
        self.jobs = jobs
        self.stopping = threading.Event()
        self.done = 0

    def _on_sigterm(self, signum, frame) -> None:
        log.info("%s draining after SIGTERM", self.name)
        self.stopping.set()

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self._on_sigterm)  # RACE[a]: signal.signal from a non-main thread raises ValueError, and handlers are process-wide: each consumer overwrites the previous one
        while not self.stopping.is_set():
            job = self.jobs.get()
            if job is None:
                break
            self.done += job % 2 + 1


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    jobs: "queue.Queue[int | None]" = queue.Queue()
    for i in range(100):
        jobs.put(i)
    consumers = [Consumer(f"consumer-{i}", jobs) for i in range(3)]
    threads = [threading.Thread(target=c.run, name=c.name) for c in consumers]
    for t in threads:
        t.start()
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join()
    print("processed:", [c.done for c in consumers], "left in queue:", jobs.qsize())


if __name__ == "__main__":
    main()
