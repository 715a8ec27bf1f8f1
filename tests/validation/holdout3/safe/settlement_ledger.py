# validation: A payment processor settles card batches for merchants on worker threads, crediting a shared ledger and charging a per-batch processing fee.
# source: written blind from a description
# safe: credits, fees and the class-level fee total are all updated under the ledger's lock; each worker keeps its own settled total, summed after join
import random
import threading


class Ledger:
    fees_collected = 0
    _fees_lock = threading.Lock()

    def __init__(self, merchants):
        self._lock = threading.Lock()
        self.balances = {m: 0 for m in merchants}
        self.entries = []

    def credit(self, merchant, cents):
        with self._lock:
            self.balances[merchant] = self.balances[merchant] + cents
            self.entries.append(("credit", merchant, cents))

    def charge_fee(self, merchant, cents):
        with self._lock:
            self.balances[merchant] -= cents
            self.entries.append(("fee", merchant, cents))
        with type(self)._fees_lock:
            type(self).fees_collected += cents


class SettlementWorker(threading.Thread):
    def __init__(self, ledger, batches):
        super().__init__(name="settle-%d" % id(batches))
        self.ledger = ledger
        self.batches = batches
        self.settled = 0

    def run(self):
        for merchant, amounts in self.batches:
            gross = sum(amounts)
            self.ledger.credit(merchant, gross)
            self.ledger.charge_fee(merchant, 25 + gross // 100)
            self.settled += gross


def make_batches(rng, merchants, n):
    return [(rng.choice(merchants), [rng.randint(100, 5000) for _ in range(5)]) for _ in range(n)]


if __name__ == "__main__":
    rng = random.Random(7)
    merchants = ["bakery", "bookshop", "cafe"]
    ledger = Ledger(merchants)
    workers = [SettlementWorker(ledger, make_batches(rng, merchants, 300)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    settled = sum(w.settled for w in workers)
    net = sum(ledger.balances.values()) + Ledger.fees_collected
    print("settled", settled, "net+fees", net, "consistent:", net == settled)
