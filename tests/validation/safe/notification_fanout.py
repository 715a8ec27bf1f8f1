# validation: A notification pipeline where API threads enqueue messages and a single dispatcher thread fans them out and keeps delivery statistics.
# source: written blind from a description
# safe: producers only put() into a queue.Queue; the dispatcher is the sole owner of its counters and channel map, and the main thread reads them only after join().
import queue
import threading
from collections import Counter

STOP = object()


class Dispatcher(threading.Thread):
    def __init__(self, inbox: "queue.Queue[object]") -> None:
        super().__init__(name="dispatcher")
        self.inbox = inbox
        self.delivered = 0
        self.per_channel: Counter[str] = Counter()
        self.outbox: dict[str, list[str]] = {}

    def run(self) -> None:
        while True:
            item = self.inbox.get()
            if item is STOP:
                return
            channel, text = item
            self.outbox.setdefault(channel, []).append(text)
            self.per_channel[channel] += 1
            self.delivered += 1


def api_thread(inbox: "queue.Queue[object]", user: int, n: int) -> None:
    for i in range(n):
        channel = ("email", "sms", "push")[(user + i) % 3]
        inbox.put((channel, f"user{user}: event {i}"))


def main() -> None:
    inbox: "queue.Queue[object]" = queue.Queue(maxsize=100)
    dispatcher = Dispatcher(inbox)
    dispatcher.start()
    producers = [threading.Thread(target=api_thread, args=(inbox, u, 500)) for u in range(5)]
    for p in producers:
        p.start()
    for p in producers:
        p.join()
    inbox.put(STOP)
    dispatcher.join()
    print(f"delivered={dispatcher.delivered} per channel={dict(dispatcher.per_channel)}")


if __name__ == "__main__":
    main()
