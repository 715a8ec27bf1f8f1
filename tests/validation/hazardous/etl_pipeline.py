# validation: A two-stage ETL pipeline where a reader thread fills a shared list of parsed rows and several loader threads drain it, stopping when a "finished" flag is set.
# source: written blind from a description
import csv
import io
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Stage:
    buffer: list[dict] = field(default_factory=list)
    finished: bool = False
    loaded: list[int] = field(default_factory=list)


def make_csv(rows: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "amount"])
    for i in range(rows):
        writer.writerow([i, i * 3])
    return out.getvalue()


def reader(stage: Stage, text: str) -> None:
    rows = list(csv.DictReader(io.StringIO(text)))
    body, tail = rows[:-50], rows[-50:]
    for row in body:
        stage.buffer.append(row)
    stage.finished = True  # RACE[a]: "finished" is published before the last rows are handed over
    for row in tail:
        stage.buffer.append(row)  # RACE[a]: loaders that already saw finished and an empty buffer have exited; these rows are never loaded


def loader(stage: Stage) -> None:
    while True:
        if stage.buffer:  # RACE[b]: check-then-act between loaders: another loader can take the last row first
            row = stage.buffer.pop(0)  # RACE[b]: IndexError (pop from empty list) when the buffer was drained in between
            stage.loaded.append(int(row["id"]))
        elif stage.finished:  # RACE[a]: reads the early flag and quits while rows are still coming
            return
        else:
            time.sleep(0.0001)


def main() -> None:
    stage = Stage()
    text = make_csv(3000)
    loaders = [threading.Thread(target=loader, args=(stage,)) for _ in range(3)]
    for t in loaders:
        t.start()
    producer = threading.Thread(target=reader, args=(stage, text))
    producer.start()
    producer.join()
    for t in loaders:
        t.join()
    print(f"loaded {len(stage.loaded)} of 3000 rows; {len(stage.buffer)} left behind in the buffer")


if __name__ == "__main__":
    main()
