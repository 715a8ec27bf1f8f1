# validation: A payment processor settles card batches for merchants on worker threads, crediting a shared ledger and charging a per-batch processing fee.
# source: written blind from a description
import random
import threading


class Ledger:
    fees_collected = 0

    def __init__(self, merchants):
        self._lock = threading.Lock()
        self.balances = {m: 0 for m in merchants}
        self.entries = []

    def credit(self, merchant, cents):
        with self._lock:
            self.balances[merchant] = self.balances[merchant] + cents  # RACE[a]: locked, but charge_fee() writes the same item unlocked
            self.entries.append(("credit", merchant, cents))

    def charge_fee(self, merchant, cents):
        self.balances[merchant] -= cents  # RACE[a]: read-modify-write without self._lock, loses credits
        type(self).fees_collected += cents  # RACE[b]: class attribute updated from every worker
        self.entries.append(("fee", merchant, cents))


class SettlementWorker(threading.Thread):
    def __init__(self, ledger, batches, totals):
        super().__init__(name="settle-%d" % id(batches))
        self.ledger = ledger
        self.batches = batches
        self.totals = totals

    def run(self):
        for merchant, amounts in self.batches:
            gross = sum(amounts)
            self.ledger.credit(merchant, gross)
            self.ledger.charge_fee(merchant, 25 + gross // 100)
            self.totals["settled"] += gross  # RACE[c]: shared dict item incremented by all workers


def make_batches(rng, merchants, n):
    return [(rng.choice(merchants), [rng.randint(100, 5000) for _ in range(5)]) for _ in range(n)]


if __name__ == "__main__":
    rng = random.Random(7)
    merchants = ["bakery", "bookshop", "cafe"]
    ledger, totals = Ledger(merchants), {"settled": 0}
    workers = [SettlementWorker(ledger, make_batches(rng, merchants, 300), totals) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    net = sum(ledger.balances.values()) + Ledger.fees_collected
    print("settled", totals["settled"], "net+fees", net, "consistent:", net == totals["settled"])
