# validation: A theatre booking backend reserves seats from an inventory dict shared by buyer threads.
# source: written blind from a description
# safe: one lock, created once with the inventory, is held across the whole check-and-decrement, so seats can never be oversold.
import threading
from concurrent.futures import ThreadPoolExecutor


class SeatInventory:
    def __init__(self, sections: dict[str, int]) -> None:
        self._lock = threading.Lock()
        self._available = dict(sections)
        self._sold = {name: 0 for name in sections}

    def reserve(self, section: str, quantity: int) -> bool:
        with self._lock:
            if self._available[section] < quantity:
                return False
            self._available[section] -= quantity
            self._sold[section] += quantity
            return True

    def report(self) -> dict[str, tuple[int, int]]:
        with self._lock:
            return {s: (self._available[s], self._sold[s]) for s in self._available}


def buyer(inventory: SeatInventory, requests: list[tuple[str, int]]) -> int:
    return sum(1 for section, qty in requests if inventory.reserve(section, qty))


def main() -> None:
    inventory = SeatInventory({"stalls": 50, "circle": 80, "box": 10})
    wave = [("stalls", 1), ("circle", 2), ("box", 1)] * 40
    with ThreadPoolExecutor(max_workers=8) as pool:
        confirmed = sum(pool.map(lambda reqs: buyer(inventory, reqs), [wave] * 8))
    for section, (left, sold) in inventory.report().items():
        print(f"{section:7} left={left:3} sold={sold}")
    print("confirmed orders:", confirmed)


if __name__ == "__main__":
    main()
