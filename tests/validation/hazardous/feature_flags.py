# validation: A feature-flag client exposed as a classmethod singleton that request threads create on first use and query on every request.
# source: written blind from a description
import threading
import time


class FeatureFlags:
    _instance: "FeatureFlags | None" = None
    lookups = 0

    def __init__(self) -> None:
        time.sleep(0.002)  # initial fetch from the flag service
        self.flags: dict[str, bool] = {"new_checkout": True, "dark_mode": False}
        self.overrides: dict[str, bool] = {}

    @classmethod
    def instance(cls) -> "FeatureFlags":
        if cls._instance is None:  # RACE[a]: lazy singleton without a lock: two threads both construct one
            cls._instance = cls()  # RACE[a]: the second assignment replaces the first; overrides set on the first are lost
        return cls._instance

    @classmethod
    def _count_lookup(cls) -> None:
        cls.lookups += 1  # RACE[b]: class attribute incremented from many threads through cls; increments are lost

    def override(self, name: str, value: bool) -> None:
        self.overrides[name] = value

    def enabled(self, name: str) -> bool:
        type(self)._count_lookup()
        if name in self.overrides:
            return self.overrides[name]
        return self.flags.get(name, False)


def serve_requests(worker: int, n: int, seen: list) -> None:
    for i in range(n):
        flags = FeatureFlags.instance()
        seen.append(id(flags))
        if worker == 0 and i == 0:
            flags.override("dark_mode", True)
        flags.enabled("dark_mode")


def main() -> None:
    seen: list[int] = []
    threads = [threading.Thread(target=serve_requests, args=(w, 300, seen)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"{len(set(seen))} FeatureFlags object(s), {FeatureFlags.lookups} lookups counted of {len(seen)}")


if __name__ == "__main__":
    main()
