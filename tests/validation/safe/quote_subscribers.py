# validation: An in-process quote feed where widgets subscribe and unsubscribe while a background thread publishes price updates.
# source: written blind from a description
# safe: subscribe/unsubscribe replace an immutable tuple under a lock (copy-on-write); the publisher reads the current tuple once and iterates that snapshot, which nobody mutates.
import threading
import time
from typing import Callable

Listener = Callable[[str, float], None]


class QuoteFeed:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: tuple[Listener, ...] = ()

    def subscribe(self, listener: Listener) -> None:
        with self._lock:
            self._listeners = self._listeners + (listener,)

    def unsubscribe(self, listener: Listener) -> None:
        with self._lock:
            self._listeners = tuple(l for l in self._listeners if l is not listener)

    def publish(self, symbol: str, price: float) -> None:
        listeners = self._listeners
        for listener in listeners:
            listener(symbol, price)


def main() -> None:
    feed = QuoteFeed()
    received: list[tuple[str, float]] = []
    stop = threading.Event()

    def ticker() -> None:
        price = 100.0
        while not stop.is_set():
            price += 0.01
            feed.publish("ACME", price)
            time.sleep(0.00005)

    def widget_churn() -> None:
        for _ in range(200):
            handler = lambda sym, p: received.append((sym, p))
            feed.subscribe(handler)
            time.sleep(0)
            feed.unsubscribe(handler)

    publisher = threading.Thread(target=ticker, daemon=True)
    publisher.start()
    widgets = [threading.Thread(target=widget_churn) for _ in range(4)]
    for w in widgets:
        w.start()
    for w in widgets:
        w.join()
    stop.set()
    publisher.join()
    print(f"{len(received)} deliveries, {len(feed._listeners)} listeners left")


if __name__ == "__main__":
    main()
