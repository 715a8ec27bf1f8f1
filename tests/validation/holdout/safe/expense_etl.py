# validation: A monthly ETL job that parses expense-report chunks on a ThreadPool and sums amounts per cost centre, printing interim progress while the chunks are processed.
# source: written blind from a description (holdout batch, 2026-12-05)
# safe: each chunk builds and returns its own totals dict; progress is a queue.Queue of finished-chunk counts; the main thread merges the per-chunk dicts only after map_async().get() returns
import functools
import queue
import random
import time
from multiprocessing.pool import ThreadPool

COST_CENTRES = [f"CC-{n:02d}" for n in range(10)]


def make_chunks(n_chunks, rows_per_chunk, seed=11):
    rng = random.Random(seed)
    return [
        [f"{rng.choice(COST_CENTRES)};{rng.randint(100, 90000) / 100:.2f};EUR" for _ in range(rows_per_chunk)]
        for _ in range(n_chunks)
    ]


def parse_row(line):
    centre, amount, currency = line.split(";")
    return centre, round(float(amount) * 100), currency


def load_chunk(rows, progress):
    totals = {}
    rejected = 0
    for line in rows:
        centre, cents, currency = parse_row(line)
        if currency != "EUR":
            rejected += 1
            continue
        totals[centre] = totals.get(centre, 0) + cents
    time.sleep(0.001)
    progress.put(len(rows))
    return totals, rejected


def main():
    chunks = make_chunks(40, 200)
    progress = queue.Queue()
    worker = functools.partial(load_chunk, progress=progress)
    with ThreadPool(6) as pool:
        async_result = pool.map_async(worker, chunks)
        time.sleep(0.005)
        done_rows = 0
        while not progress.empty():
            done_rows += progress.get_nowait()
        print(f"interim: {done_rows} rows loaded so far")
        per_chunk = async_result.get()
    totals = {}
    rejected = 0
    for chunk_totals, chunk_rejected in per_chunk:
        rejected += chunk_rejected
        for centre, cents in chunk_totals.items():
            totals[centre] = totals.get(centre, 0) + cents
    expected = sum(parse_row(r)[1] for chunk in chunks for r in chunk)
    print(f"rejected: {rejected}")
    print(f"grand total {sum(totals.values()) / 100:.2f} (expected {expected / 100:.2f})")


if __name__ == "__main__":
    main()
