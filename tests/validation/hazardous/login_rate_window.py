# validation: A login endpoint protects accounts with a sliding-window limiter (max attempts per second per user) shared by the authentication worker threads.
# source: written blind from a description
import threading
import time
from collections import deque


class SlidingWindowLimiter:
    def __init__(self, max_attempts: int, window: float) -> None:
        self.max_attempts = max_attempts
        self.window = window
        self._attempts: dict[str, deque[float]] = {}

    def allow(self, user: str) -> bool:
        now = time.monotonic()
        attempts = self._attempts.setdefault(user, deque())
        while attempts and attempts[0] <= now - self.window:  # RACE[b]: check-then-act: another thread may pop the last old entry first
            attempts.popleft()  # RACE[b]: IndexError (pop from an empty deque) when the other thread emptied it
        if len(attempts) < self.max_attempts:  # RACE[a]: several threads see room for one more attempt
            attempts.append(now)  # RACE[a]: all of them append; the per-user limit is exceeded
            return True
        return False


class AuthWorker:
    def __init__(self, limiter: SlidingWindowLimiter) -> None:
        self.limiter = limiter
        self.accepted = 0
        self.rejected = 0

    def handle_login(self, user: str, password: str) -> bool:
        if not self.limiter.allow(user):
            self.rejected += 1
            return False
        self.accepted += 1
        return password == "hunter2"

    def run(self, attempts: list[tuple[str, str]]) -> None:
        for user, password in attempts:
            self.handle_login(user, password)


def main() -> None:
    limiter = SlidingWindowLimiter(max_attempts=5, window=1.0)
    workers = [AuthWorker(limiter) for _ in range(6)]
    brute_force = [("admin", f"guess{i}") for i in range(50)]
    threads = [threading.Thread(target=w.run, args=(brute_force,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    accepted = sum(w.accepted for w in workers)
    print(f"attempts let through for admin: {accepted} (limit 5 per second)")


if __name__ == "__main__":
    main()
