# validation: A load-test data seeder for a CRM staging database that draws synthetic customer records from one generator and inserts them into a fake store from several ThreadPool workers.
# source: written blind from a description
import random
import time
from multiprocessing.pool import ThreadPool

FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Gus", "Hana"]
LAST = ["Okafor", "Schmidt", "Tanaka", "Silva", "Novak", "Haddad"]


def customer_records(seed):
    rng = random.Random(seed)
    serial = 0
    while True:
        serial += 1
        yield {
            "id": serial,
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "credit_limit": rng.randrange(500, 20_000, 250),
        }


class FakeStore:
    def __init__(self):
        self.rows = {}
        self.totals = {"credit": 0}

    def insert(self, record):
        time.sleep(0.0001)  # INSERT round trip
        self.rows[record["id"]] = record
        self.totals["credit"] += record["credit_limit"]  # RACE[a]: lost update of the running credit total


def seed_worker(job):
    records, store, count = job
    inserted = failed = 0
    for _ in range(count):
        try:
            record = next(records)  # RACE[b]: one generator resumed from several pool threads ("generator already executing")
        except ValueError:
            failed += 1
            continue
        store.insert(record)
        inserted += 1
    return inserted, failed


if __name__ == "__main__":
    records = customer_records(seed=42)
    store = FakeStore()
    jobs = [(records, store, 150) for _ in range(6)]
    with ThreadPool(6) as pool:
        outcomes = pool.map(seed_worker, jobs)
    inserted = sum(i for i, _ in outcomes)
    failed = sum(f for _, f in outcomes)
    expected_credit = sum(r["credit_limit"] for r in store.rows.values())
    print("inserted:", inserted, "failed draws:", failed, "distinct ids:", len(store.rows))
    print("credit total matches rows:", store.totals["credit"] == expected_credit)
