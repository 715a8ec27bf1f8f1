# validation: Market-data feed threads update a dict of last prices while the main thread prints a periodic board before the feeds finish.
# source: written blind from a description
# safe: feeds write and the board copies the dict under the same lock; the board then iterates its private copy, so no iteration ever sees a concurrent insert.
import random
import threading
import time

_prices_lock = threading.Lock()
last_price: dict[str, float] = {"ACME": 100.0}


def feed(exchange: str, symbols: list[str], ticks: int, seed: int) -> None:
    rng = random.Random(seed)
    for i in range(ticks):
        symbol = symbols[i % len(symbols)] if i % 7 else f"{exchange}:{i}"
        price = round(rng.uniform(10, 500), 2)
        with _prices_lock:
            last_price[symbol] = price
        if i % 50 == 0:
            time.sleep(0.0001)


def print_board() -> None:
    with _prices_lock:
        snapshot = last_price.copy()
    lines = [f"{symbol:>12} {price:8.2f}" for symbol, price in sorted(snapshot.items())]
    print(f"board: {len(lines)} symbols")


def main() -> None:
    feeds = [
        threading.Thread(target=feed, args=("NYSE", ["ACME", "INIT", "TECH"], 3000, 1)),
        threading.Thread(target=feed, args=("LSE", ["BARC", "VOD"], 3000, 2)),
    ]
    for f in feeds:
        f.start()
    for _ in range(5):
        print_board()
        time.sleep(0.002)
    for f in feeds:
        f.join()
    print_board()


if __name__ == "__main__":
    main()
