# validation: A link checker that walks a fake in-memory site with several worker threads fed from a queue.Queue.
# source: written blind from a description
# safe: work is handed out through queue.Queue, the visited set is tested-and-updated inside one lock, and results are read only after every worker has been joined.
import queue
import threading
import time

FAKE_SITE = {
    "/": ["/docs", "/blog", "/missing"],
    "/docs": ["/", "/docs/install", "/docs/api"],
    "/docs/install": ["/docs"],
    "/docs/api": ["/docs", "/missing-too"],
    "/blog": ["/blog/1", "/"],
    "/blog/1": ["/docs/api"],
}


class LinkChecker:
    def __init__(self, workers: int = 4) -> None:
        self.todo: "queue.Queue[str | None]" = queue.Queue()
        self._seen: set[str] = set()
        self._seen_lock = threading.Lock()
        self.broken: list[str] = []
        self.workers = [threading.Thread(target=self._work, name=f"checker-{i}") for i in range(workers)]

    def _claim(self, path: str) -> bool:
        """Return True if this caller is the first to see ``path``."""
        with self._seen_lock:
            if path in self._seen:
                return False
            self._seen.add(path)
            return True

    def _work(self) -> None:
        while True:
            path = self.todo.get()
            try:
                if path is None:
                    return
                time.sleep(0.001)  # HTTP HEAD
                if path not in FAKE_SITE:
                    self.broken.append(path)
                    continue
                for link in FAKE_SITE[path]:
                    if self._claim(link):
                        self.todo.put(link)
            finally:
                self.todo.task_done()

    def run(self, start: str) -> list[str]:
        self._claim(start)
        self.todo.put(start)
        for w in self.workers:
            w.start()
        self.todo.join()
        for _ in self.workers:
            self.todo.put(None)
        for w in self.workers:
            w.join()
        return sorted(self.broken)


if __name__ == "__main__":
    print("broken links:", LinkChecker().run("/"))
