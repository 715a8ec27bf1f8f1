# validation: A loyalty-points service where nightly award batches run as threads with functools.partial targets, each award creating its own lock before updating the member balance table and the programme-wide total.
# source: written blind from a description
import functools
import threading
import time

balances = {f"M{n:03d}": 0 for n in range(10)}
total_awarded = 0
award_log = []


def award(member, points, reason):
    global total_awarded
    guard = threading.Lock()
    with guard:
        balance = balances[member]  # RACE[a]: each call has its own lock, so two awards for one member read the same balance
        time.sleep(0)  # fraud-rule lookup would happen here
        balances[member] = balance + points  # RACE[a]: the later write discards the other award
        total_awarded += points  # RACE[b]: lost update of the programme-wide total
    award_log.append((member, points, reason))


def run_batch(batch_name, awards):
    for member, points in awards:
        award(member, points, batch_name)


if __name__ == "__main__":
    members = sorted(balances)
    batches = {
        "purchases": [(members[i % 10], 10) for i in range(300)],
        "reviews": [(members[(i * 3) % 10], 5) for i in range(300)],
        "referrals": [(members[(i * 7) % 10], 25) for i in range(300)],
        "birthdays": [(members[i % 10], 50) for i in range(100)],
    }
    threads = [threading.Thread(target=functools.partial(run_batch, name, awards))
               for name, awards in batches.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = sum(p for awards in batches.values() for _, p in awards)
    print("points in balances:", sum(balances.values()), "total counter:", total_awarded,
          "expected:", expected, "log entries:", len(award_log))
