# validation: An ETL loader hands out batch identifiers from one shared generator to several loader threads.
# source: written blind from a description
import threading
import time
from typing import Iterator


def batch_ids(prefix: str, start: int = 1) -> Iterator[str]:
    """Yield batch ids like 'load-000001', persisting the high-water mark every 100 ids."""
    n = start
    while True:
        if n % 100 == 0:
            time.sleep(0.0001)  # checkpoint the high-water mark
        yield f"{prefix}-{n:06d}"
        n += 1


class Loader(threading.Thread):
    def __init__(self, ids: Iterator[str], rows: int, sink: list) -> None:
        super().__init__()
        self.ids = ids
        self.rows = rows
        self.sink = sink
        self.failures = 0

    def run(self) -> None:
        for _ in range(self.rows):
            try:
                batch_id = next(self.ids)  # RACE[a]: one generator resumed from several threads: "ValueError: generator already executing" or interleaved state
            except ValueError:
                self.failures += 1
                continue
            self.sink.append(batch_id)


def main() -> None:
    ids = batch_ids("load")
    sink: list[str] = []
    loaders = [Loader(ids, 2000, sink) for _ in range(4)]
    for loader in loaders:
        loader.start()
    for loader in loaders:
        loader.join()
    print(f"{len(sink)} ids handed out, {len(set(sink))} unique, {sum(l.failures for l in loaders)} failed next() calls")


if __name__ == "__main__":
    main()
