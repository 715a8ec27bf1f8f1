# validation: A warehouse loader hands out shipment identifiers from one generator to several loader threads through a locking iterator wrapper.
# source: written blind from a description
# safe: the shared generator is only advanced inside LockedIterator.__next__, which holds a lock, so no two threads resume it at once; ids are collected per thread and merged after join.
import threading
import time
from typing import Iterator


def shipment_ids(prefix: str, start: int = 1) -> Iterator[str]:
    n = start
    while True:
        if n % 100 == 0:
            time.sleep(0.0001)  # checkpoint
        yield f"{prefix}-{n:06d}"
        n += 1


class LockedIterator:
    def __init__(self, it: Iterator[str]) -> None:
        self._it = it
        self._lock = threading.Lock()

    def __iter__(self) -> "LockedIterator":
        return self

    def __next__(self) -> str:
        with self._lock:
            return next(self._it)


class Loader(threading.Thread):
    def __init__(self, ids: LockedIterator, rows: int) -> None:
        super().__init__()
        self.ids = ids
        self.rows = rows
        self.assigned: list[str] = []

    def run(self) -> None:
        for _ in range(self.rows):
            self.assigned.append(next(self.ids))


def main() -> None:
    ids = LockedIterator(shipment_ids("ship"))
    loaders = [Loader(ids, 2000) for _ in range(4)]
    for loader in loaders:
        loader.start()
    for loader in loaders:
        loader.join()
    all_ids = [i for loader in loaders for i in loader.assigned]
    print(f"{len(all_ids)} ids handed out, {len(set(all_ids))} unique")


if __name__ == "__main__":
    main()
