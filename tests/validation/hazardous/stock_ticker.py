# validation: Market-data feed threads update a dict of last prices while the main thread prints a periodic board before the feeds finish.
# source: written blind from a description
import random
import threading
import time

last_price: dict[str, float] = {"ACME": 100.0}


def feed(exchange: str, symbols: list[str], ticks: int, seed: int) -> None:
    rng = random.Random(seed)
    for i in range(ticks):
        symbol = symbols[i % len(symbols)] if i % 7 else f"{exchange}:{i}"
        last_price[symbol] = round(rng.uniform(10, 500), 2)  # RACE[a]: inserts new symbols into the dict the board is iterating
        if i % 50 == 0:
            time.sleep(0.0001)


def print_board() -> None:
    lines = []
    for symbol, price in last_price.items():  # RACE[a]: iterating the live dict while feeds insert raises "dictionary changed size during iteration"
        lines.append(f"{symbol:>12} {price:8.2f}")
    print(f"board: {len(lines)} symbols")


def main() -> None:
    feeds = [
        threading.Thread(target=feed, args=("NYSE", ["ACME", "INIT", "TECH"], 3000, 1)),
        threading.Thread(target=feed, args=("LSE", ["BARC", "VOD"], 3000, 2)),
    ]
    for f in feeds:
        f.start()
    for _ in range(5):
        try:
            print_board()
        except RuntimeError as exc:
            print("board failed:", exc)
        time.sleep(0.002)
    for f in feeds:
        f.join()
    print_board()


if __name__ == "__main__":
    main()
