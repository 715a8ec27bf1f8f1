# validation: Checkout workers assign sequential order numbers from a module-level counter while importing a batch of carts on a thread pool.
# source: written blind from a description
from multiprocessing.pool import ThreadPool

_last_order_number = 1000
_orders: dict[int, dict] = {}


def next_order_number() -> int:
    global _last_order_number
    _last_order_number += 1  # RACE[a]: read-add-store on a module global; two checkouts can get the same number
    return _last_order_number  # RACE[a]: returns the global after another thread may have bumped it again


def checkout(cart: dict) -> int:
    number = next_order_number()
    total = sum(item["price"] * item["qty"] for item in cart["items"])
    _orders[number] = {"customer": cart["customer"], "total": total}
    return number


def make_carts(n: int) -> list[dict]:
    return [
        {"customer": f"cust-{i}", "items": [{"price": 9.99, "qty": 1 + i % 3}, {"price": 2.5, "qty": 2}]}
        for i in range(n)
    ]


def main() -> None:
    carts = make_carts(2000)
    with ThreadPool(processes=8) as pool:
        numbers = pool.map(checkout, carts, chunksize=10)
    print(f"{len(numbers)} checkouts, {len(set(numbers))} distinct order numbers, {len(_orders)} stored")


if __name__ == "__main__":
    main()
