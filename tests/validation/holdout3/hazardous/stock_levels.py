# validation: A warehouse inventory module that reserves, restocks and reports stock levels per SKU for the order-processing threads of a shop backend.
# source: written blind from a description
# mode: library
import threading


class OutOfStock(Exception):
    pass


class Inventory:
    def __init__(self, levels=None):
        self._levels = dict(levels or {})
        self._reserved = {}
        self._audit_lock = threading.Lock()
        self.audit = []

    def reserve(self, sku, qty, order_id):
        available = self._levels.get(sku, 0)  # RACE[a]: stock level read...
        if available < qty:  # RACE[a]: ...two orders both see enough stock...
            raise OutOfStock(sku)
        self._levels[sku] = available - qty  # RACE[a]: ...and both subtract from the same snapshot
        self._reserved[order_id] = (sku, qty)
        self._audit_lock.acquire()
        self.audit.append(("reserve", order_id, sku, qty))
        self._audit_lock.release()

    def cancel(self, order_id):
        if order_id in self._reserved:  # RACE[b]: cancel and ship of the same order both pass...
            sku, qty = self._reserved.pop(order_id)  # RACE[b]: ...the second pop raises KeyError
            self._levels[sku] += qty  # RACE[c]: read-modify-write against restock()

    def ship(self, order_id):
        if order_id in self._reserved:  # RACE[b]: check of the same order by another thread
            del self._reserved[order_id]  # RACE[b]: KeyError if cancel() won
            return True
        return False

    def restock(self, sku, qty):
        self._levels.setdefault(sku, 0)  # RACE[d]: a new SKU is inserted while low_stock() iterates
        self._levels[sku] += qty  # RACE[c]: lost update against cancel()/restock()

    def low_stock(self, threshold=5):
        return [sku for sku, n in self._levels.items() if n < threshold]  # RACE[d]: iterates while restock() adds SKUs

    def export_csv(self, path):
        self._audit_lock.acquire()
        with open(path, "w") as fh:  # RACE[e]: an I/O error here leaves the audit lock held forever
            for row in self.audit:
                fh.write(",".join(map(str, row)) + "\n")
        self._audit_lock.release()  # RACE[e]: not reached on exception (no try/finally)


if __name__ == "__main__":
    import os
    import tempfile
    inv = Inventory({"mug": 10, "tee": 3})
    inv.reserve("mug", 4, "o1")
    inv.reserve("tee", 2, "o2")
    inv.cancel("o2")
    print("shipped:", inv.ship("o1"), inv.ship("o1"))
    inv.restock("cap", 2)
    print("low:", inv.low_stock())
    with tempfile.TemporaryDirectory() as d:
        inv.export_csv(os.path.join(d, "audit.csv"))
        print(open(os.path.join(d, "audit.csv")).read().strip())
