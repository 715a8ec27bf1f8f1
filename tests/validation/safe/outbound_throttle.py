# validation: A token-bucket throttle for outbound webhook deliveries shared by several delivery threads.
# source: written blind from a description
# safe: refill and the check-and-spend of a token happen in one critical section; the lock is taken with acquire(timeout=...) and always released in finally.
import threading
import time


class Throttle:
    def __init__(self, rate_per_sec: float, capacity: int) -> None:
        self.rate = rate_per_sec
        self.capacity = capacity
        self._tokens = float(capacity)
        self._updated = time.monotonic()
        self._lock = threading.Lock()

    def try_acquire(self) -> bool:
        if not self._lock.acquire(timeout=1):
            return False
        try:
            now = time.monotonic()
            self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self._tokens >= 1:
                self._tokens -= 1
                return True
            return False
        finally:
            self._lock.release()


def deliver(throttle: Throttle, hook: str, events: int, outcome: list) -> None:
    sent = dropped = 0
    for _ in range(events):
        if throttle.try_acquire():
            sent += 1
        else:
            dropped += 1
    outcome.append((hook, sent, dropped))


def main() -> None:
    throttle = Throttle(rate_per_sec=50, capacity=20)
    outcome: list[tuple[str, int, int]] = []
    threads = [threading.Thread(target=deliver, args=(throttle, f"hook-{i}", 400, outcome)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("delivered:", sum(o[1] for o in outcome), "dropped:", sum(o[2] for o in outcome))


if __name__ == "__main__":
    main()
