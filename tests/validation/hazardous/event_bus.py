# validation: An in-process event bus where UI widgets subscribe and unsubscribe while a background thread publishes price updates.
# source: written blind from a description
import threading
import time
from typing import Callable

Listener = Callable[[str, float], None]


class EventBus:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)  # RACE[a]: mutates the list the publisher is iterating

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)  # RACE[a]: removal shifts the list under the publisher's loop, so another listener is skipped

    def publish(self, symbol: str, price: float) -> None:
        for listener in self._listeners:  # RACE[a]: iterates the live listener list while other threads subscribe/unsubscribe
            listener(symbol, price)


def main() -> None:
    bus = EventBus()
    received: list[tuple[str, float]] = []
    stop = threading.Event()

    def ticker() -> None:
        price = 100.0
        while not stop.is_set():
            price += 0.01
            bus.publish("ACME", price)
            time.sleep(0.00005)

    def widget_churn(widget_id: int) -> None:
        for _ in range(200):
            handler = lambda sym, p, wid=widget_id: received.append((sym, p))
            bus.subscribe(handler)
            time.sleep(0)
            bus.unsubscribe(handler)

    publisher = threading.Thread(target=ticker, daemon=True)
    publisher.start()
    widgets = [threading.Thread(target=lambda i=i: widget_churn(i)) for i in range(4)]
    for w in widgets:
        w.start()
    for w in widgets:
        w.join()
    stop.set()
    publisher.join()
    print(f"{len(received)} deliveries, {len(bus._listeners)} listeners left")


if __name__ == "__main__":
    main()
