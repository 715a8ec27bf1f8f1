# hazard: read-modify-write of an instance attribute on a shared object (Thread subclass polled by the main thread)
import queue
import threading
import time


class Crawler(threading.Thread):
    def __init__(self, frontier):
        super().__init__(daemon=True)
        self.frontier = frontier
        self.pages = 0
        self.errors = 0
        self.running = True

    def run(self):
        while self.running:
            try:
                url = self.frontier.get(timeout=0.5)
            except queue.Empty:
                continue
            try:
                self.fetch(url)
                self.pages += 1
            except Exception:
                self.errors += 1

    def fetch(self, url):
        time.sleep(0.01)

    def reset_stats(self):
        pages = self.pages
        self.pages -= pages
        return pages


def monitor(crawler, interval=1.0):
    while crawler.is_alive():
        time.sleep(interval)
        print("pages/s:", crawler.reset_stats() / interval)
