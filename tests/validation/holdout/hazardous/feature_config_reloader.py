# validation: A web app's config reloader thread re-reads a temp JSON settings file and refreshes the live settings dict in place while request threads (bound-method targets) read timeouts and limits from it.
# source: written blind from a description (holdout batch, 2026-12-05)
import json
import os
import tempfile
import threading
import time


class LiveConfig:
    def __init__(self, path):
        self.path = path
        self.settings = {}
        self.reads = 0
        self.reload()

    def reload(self):
        with open(self.path, encoding="utf-8") as f:
            fresh = json.load(f)
        self.settings.clear()  # RACE[a]: readers see an empty dict between clear() and update()...
        self.settings.update(fresh)  # RACE[a]: ...until the new values are copied back in

    def request_timeout(self):
        self.reads += 1  # RACE[b]: every request thread bumps the read counter with an unsynchronised +=
        return self.settings["timeout_ms"] / 1000  # RACE[a]: raises KeyError when it runs during a reload


class RequestWorker:
    def __init__(self, config, n):
        self.config = config
        self.n = n
        self.served = 0
        self.errors = 0

    def serve(self):
        for _ in range(self.n):
            try:
                self.config.request_timeout()
                self.served += 1
            except KeyError:
                self.errors += 1


def reloader(config, path, rounds):
    for r in range(rounds):
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"timeout_ms": 1000 + r, "max_body": 65536, "feature_x": bool(r % 2)}, f)
        config.reload()
        time.sleep(0.0005)


def main():
    fd, path = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"timeout_ms": 999, "max_body": 65536, "feature_x": False}, f)
    try:
        config = LiveConfig(path)
        workers = [RequestWorker(config, 3000) for _ in range(4)]
        threads = [threading.Thread(target=w.serve) for w in workers]
        threads.append(threading.Thread(target=reloader, args=(config, path, 60)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        served = sum(w.served for w in workers)
        errors = sum(w.errors for w in workers)
        print(f"served {served}, read errors {errors}, counted reads {config.reads}")
        print("final settings:", config.settings)
    finally:
        os.remove(path)


if __name__ == "__main__":
    main()
