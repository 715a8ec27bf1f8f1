# validation: A queue-consuming worker service that installs its SIGTERM handler in the main thread and lets consumer threads drain the queue on shutdown.
# source: written blind from a description
# safe: signal.signal is called only from the main thread before workers start; the handler just sets a threading.Event that consumers poll, and jobs flow through queue.Queue.
import queue
import signal
import threading


class Consumer(threading.Thread):
    def __init__(self, jobs: "queue.Queue[int]", stop: threading.Event) -> None:
        super().__init__()
        self.jobs = jobs
        self.stop = stop
        self.done = 0

    def run(self) -> None:
        while True:
            try:
                job = self.jobs.get(timeout=0.005)
            except queue.Empty:
                if self.stop.is_set():
                    return
                continue
            self.done += job % 2 + 1
            self.jobs.task_done()


def main() -> None:
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    jobs: "queue.Queue[int]" = queue.Queue()
    for i in range(100):
        jobs.put(i)
    consumers = [Consumer(jobs, stop) for _ in range(3)]
    for c in consumers:
        c.start()
    jobs.join()
    signal.raise_signal(signal.SIGTERM)
    for c in consumers:
        c.join()
    signal.signal(signal.SIGTERM, previous)
    print("processed:", [c.done for c in consumers], "stop requested:", stop.is_set())


if __name__ == "__main__":
    main()
