# validation: A token-bucket rate limiter that throttles calls from several API client threads to a partner service.
# source: written blind from a description
import functools
import threading
import time


class TokenBucket:
    def __init__(self, rate_per_sec: float, capacity: int) -> None:
        self.rate = rate_per_sec
        self.capacity = capacity
        self.tokens = float(capacity)
        self.updated = time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        elapsed = now - self.updated
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)  # RACE[b]: two refills read the same old token count and time, one refill is lost or doubled
        self.updated = now  # RACE[b]: timestamp written separately from tokens, so another thread sees a half-updated bucket

    def take(self) -> bool:
        self._refill()
        if self.tokens >= 1:  # RACE[a]: check-then-act: several threads see one token left
            self.tokens -= 1  # RACE[a]: each of them spends it, tokens go negative and the limit is exceeded
            return True
        return False


class PartnerClient:
    def __init__(self, limiter: TokenBucket) -> None:
        self.limiter = limiter
        self.sent = 0
        self.throttled = 0

    def _throttle(self) -> bool:
        return self.limiter.take()

    def send(self, payload: dict) -> bool:
        if not self._throttle():
            self.throttled += 1
            return False
        self.sent += 1
        return True


def client_loop(limiter: TokenBucket, name: str, calls: int) -> tuple[int, int]:
    client = PartnerClient(limiter)
    for i in range(calls):
        client.send({"client": name, "seq": i})
    return client.sent, client.throttled


def main() -> None:
    limiter = TokenBucket(rate_per_sec=50, capacity=20)
    results: list[tuple[int, int]] = []
    threads = []
    for i in range(6):
        work = functools.partial(client_loop, limiter, f"client-{i}", 400)
        threads.append(threading.Thread(target=lambda w=work: results.append(w())))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("sent:", sum(r[0] for r in results), "throttled:", sum(r[1] for r in results), "tokens left:", round(limiter.tokens, 2))


if __name__ == "__main__":
    main()
