# validation: An API gateway keeps validated OAuth access tokens in a TTL cache that request threads read and fill while a threading.Timer sweeps out expired entries.
# source: written blind from a description (holdout batch, 2026-12-05)
import threading
import time


class TokenCache:
    def __init__(self, ttl, sweep_every):
        self.ttl = ttl
        self.sweep_every = sweep_every
        self._entries = {}
        self._timer = None
        self._stopped = False

    def put(self, token, claims):
        self._entries[token] = (claims, time.monotonic() + self.ttl)  # RACE[a]: inserts into the dict the sweeper is iterating and replacing

    def get(self, token):
        if token in self._entries:  # RACE[b]: the sweeper can delete the entry after this check
            claims, expires = self._entries[token]  # RACE[b]: ...so this lookup raises KeyError
            if expires > time.monotonic():
                return claims
        return None

    def _sweep(self):
        now = time.monotonic()
        live = {t: e for t, e in self._entries.items() if e[1] > now}  # RACE[a]: iterates the dict while request threads insert into it
        self._entries = live  # RACE[a]: tokens put during the rebuild are dropped with the old dict
        if not self._stopped:  # RACE[c]: stop() can run right after this check...
            self._schedule()

    def _schedule(self):
        self._timer = threading.Timer(self.sweep_every, self._sweep)  # RACE[c]: ...so a new timer is armed after stop() cancelled the old one
        self._timer.daemon = True
        self._timer.start()

    def start(self):
        self._schedule()

    def stop(self):
        self._stopped = True  # RACE[c]: flag set without coordination with a sweep already in progress
        if self._timer is not None:
            self._timer.cancel()  # RACE[c]: cancels a timer the sweeper may be about to replace


def validate_remote(token):
    time.sleep(0.0005)
    return {"sub": token.split(":")[0], "scope": "read"}


def handle_requests(cache, worker_id, n, served):
    for i in range(n):
        token = f"user{(worker_id * 7 + i) % 25}:{i % 5}"
        claims = cache.get(token)
        if claims is None:
            claims = validate_remote(token)
            cache.put(token, claims)
        served.append(claims["sub"])


def main():
    cache = TokenCache(ttl=0.01, sweep_every=0.005)
    cache.start()
    served = []
    workers = [
        threading.Thread(target=handle_requests, args=(cache, w, 150, served))
        for w in range(5)
    ]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    cache.stop()
    print(f"served {len(served)} requests for {len(set(served))} users")


if __name__ == "__main__":
    main()
