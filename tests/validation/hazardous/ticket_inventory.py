# validation: A concert ticketing backend reserves seats from an inventory dict, guarding each reservation with a lock created inside the function.
# source: written blind from a description
import threading
from concurrent.futures import ThreadPoolExecutor

inventory: dict[str, int] = {"floor": 50, "balcony": 80, "box": 10}
sold: dict[str, int] = {"floor": 0, "balcony": 0, "box": 0}


def reserve(section: str, quantity: int) -> bool:
    lock = threading.Lock()  # RACE[a]: a fresh lock per call excludes nobody; every buyer gets its own lock
    with lock:
        if inventory[section] >= quantity:  # RACE[a]: check-then-act: two buyers both see enough seats
            inventory[section] -= quantity  # RACE[a]: read-modify-write; seats oversold or decrements lost
            sold[section] += quantity  # RACE[a]: lost update on the sold counter
            return True
    return False


def buyer(requests: list[tuple[str, int]]) -> int:
    return sum(1 for section, qty in requests if reserve(section, qty))


def main() -> None:
    wave = [("floor", 1), ("balcony", 2), ("box", 1)] * 40
    with ThreadPoolExecutor(max_workers=8) as pool:
        confirmed = sum(pool.map(buyer, [wave] * 8))
    for section in inventory:
        print(f"{section:8} left={inventory[section]:4} sold={sold[section]}")
    print("confirmed orders:", confirmed)


if __name__ == "__main__":
    main()
