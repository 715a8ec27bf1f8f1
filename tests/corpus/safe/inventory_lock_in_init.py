# The lock is created once per shared object, in __init__, and used by every call.
import threading
from concurrent.futures import ThreadPoolExecutor


class Inventory:
    def __init__(self, stock):
        self.stock = dict(stock)
        self._lock = threading.Lock()

    def reserve(self, sku, qty):
        with self._lock:
            if self.stock.get(sku, 0) >= qty:
                self.stock[sku] -= qty
                return True
            return False


inventory = Inventory({"apple": 10, "pear": 5})


def place_orders(orders):
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda o: inventory.reserve(*o), orders))
