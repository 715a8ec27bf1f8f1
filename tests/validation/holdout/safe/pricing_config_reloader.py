# validation: A pricing service's config reloader thread re-reads a temp JSON settings file and publishes fresh settings while request threads (bound-method targets) read discount and tax rates from them.
# source: written blind from a description (holdout batch, 2026-12-05)
# safe: each reload builds a new read-only mapping and publishes it with one attribute assignment; readers take one reference to the current snapshot and read only from it; read counts are per worker
import json
import os
import tempfile
import threading
import time
import types


class LiveConfig:
    def __init__(self, path):
        self.path = path
        self.settings = types.MappingProxyType({})
        self.reload()

    def reload(self):
        with open(self.path, encoding="utf-8") as f:
            fresh = json.load(f)
        self.settings = types.MappingProxyType(dict(fresh))

    def price_with_tax(self, net):
        current = self.settings
        return round(net * (1 - current["discount"]) * (1 + current["vat"]), 2)


class RequestWorker:
    def __init__(self, config, n):
        self.config = config
        self.n = n
        self.served = 0
        self.errors = 0

    def serve(self):
        for i in range(self.n):
            try:
                self.config.price_with_tax(10.0 + i % 7)
                self.served += 1
            except KeyError:
                self.errors += 1


def reloader(config, path, rounds):
    for r in range(rounds):
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"discount": (r % 5) / 100, "vat": 0.21, "currency": "EUR"}, f)
        os.replace(tmp, path)
        config.reload()
        time.sleep(0.0005)


def main():
    fd, path = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"discount": 0.0, "vat": 0.21, "currency": "EUR"}, f)
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
        print(f"served {served}, read errors {errors}")
        print("final settings:", dict(config.settings))
    finally:
        os.remove(path)


if __name__ == "__main__":
    main()
