# validation: A forum's live-update pub/sub broker where connection handlers run through executor.map follow and unfollow threads while other handlers publish new posts to them.
# source: written blind from a description (holdout batch, 2026-12-05)
# safe: subscribe/unsubscribe change the topic lists under the broker lock, and publish copies the subscriber list under that lock before delivering; inbox message lists are only appended to (atomic) and read after the pool finishes
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import repeat


class Inbox:
    """One connection's mailbox; compared by identity."""

    def __init__(self, user):
        self.user = user
        self.messages = []


class Broker:
    def __init__(self):
        self.topics = {}
        self.delivered = []
        self._lock = threading.Lock()

    def subscribe(self, topic, inbox):
        with self._lock:
            self.topics.setdefault(topic, []).append(inbox)

    def unsubscribe(self, topic, inbox):
        with self._lock:
            members = self.topics.get(topic, [])
            if inbox in members:
                members.remove(inbox)

    def publish(self, topic, text):
        with self._lock:
            members = list(self.topics.get(topic, ()))
        for inbox in members:
            inbox.messages.append(text)
            self.delivered.append((topic, text))


def handle_connection(user, broker):
    inbox = Inbox(user)
    threads = [f"thread-{(user + k) % 5}" for k in range(3)]
    for topic in threads:
        broker.subscribe(topic, inbox)
    for n in range(20):
        broker.publish(threads[n % 3], f"user{user}: post {n}")
        if n % 7 == 0:
            time.sleep(0.0002)
    for topic in threads[:2]:
        broker.unsubscribe(topic, inbox)
    return user, len(inbox.messages)


def main():
    broker = Broker()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(handle_connection, range(24), repeat(broker)))
    total_received = sum(count for _, count in results)
    print(f"{len(results)} connections, {total_received} posts received")
    print(f"{len(broker.delivered)} deliveries logged")
    for topic in sorted(broker.topics):
        print(f"  {topic}: {len(broker.topics[topic])} followers left")


if __name__ == "__main__":
    main()
