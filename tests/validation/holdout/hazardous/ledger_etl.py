# validation: A nightly ETL job that parses bank-statement chunks on a ThreadPool and sums transaction amounts per account into one totals dict while the main thread prints interim totals.
# source: written blind from a description (holdout batch, 2026-12-05)
import functools
import random
import time
from multiprocessing.pool import ThreadPool

ACCOUNTS = [f"ACC-{n:03d}" for n in range(12)]


def make_chunks(n_chunks, rows_per_chunk, seed=7):
    rng = random.Random(seed)
    chunks = []
    for _ in range(n_chunks):
        rows = []
        for _ in range(rows_per_chunk):
            acct = rng.choice(ACCOUNTS)
            cents = rng.randint(-5000, 20000)
            rows.append(f"{acct};{cents / 100:.2f};EUR")
        chunks.append(rows)
    return chunks


def parse_row(line):
    acct, amount, currency = line.split(";")
    return acct, round(float(amount) * 100), currency


def load_chunk(rows, totals, rejected):
    for line in rows:
        acct, cents, currency = parse_row(line)
        if currency != "EUR":
            rejected.append(line)
            continue
        totals[acct] = totals.get(acct, 0) + cents  # RACE[a]: concurrent chunks for the same account lose each other's additions
    time.sleep(0.001)
    return len(rows)


def main():
    chunks = make_chunks(40, 200)
    totals = {}
    rejected = []
    worker = functools.partial(load_chunk, totals=totals, rejected=rejected)
    with ThreadPool(6) as pool:
        async_result = pool.map_async(worker, chunks)
        time.sleep(0.005)
        interim = 0
        for acct, cents in totals.items():  # RACE[b]: main thread iterates the totals while workers still add new accounts
            interim += cents
        print(f"interim total after a moment: {interim / 100:.2f}")
        counts = async_result.get()
    expected = sum(parse_row(r)[1] for chunk in chunks for r in chunk)
    print(f"rows loaded: {sum(counts)}, rejected: {len(rejected)}")
    print(f"grand total {sum(totals.values()) / 100:.2f} (expected {expected / 100:.2f})")


if __name__ == "__main__":
    main()
