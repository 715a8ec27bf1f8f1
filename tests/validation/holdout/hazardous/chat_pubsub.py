# validation: A chat backend's in-process pub/sub broker where connection handlers run through executor.map join and leave channels while other handlers publish messages to them.
# source: written blind from a description (holdout batch, 2026-12-05)
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
        self.channels = {}
        self.delivered = []

    def subscribe(self, channel, inbox):
        if channel not in self.channels:  # RACE[a]: two handlers joining a new channel both see it missing
            self.channels[channel] = []  # RACE[a]: ...and the second one replaces the first one's subscriber list
        self.channels[channel].append(inbox)  # RACE[a]: an inbox appended to the list that gets replaced is silently dropped

    def unsubscribe(self, channel, inbox):
        members = self.channels.get(channel, [])
        if inbox in members:
            members.remove(inbox)  # RACE[b]: removing from the list a publisher is iterating makes it skip a member

    def publish(self, channel, text):
        for inbox in self.channels.get(channel, []):  # RACE[b]: iterates the subscriber list while other handlers remove from it
            inbox.messages.append(text)
            self.delivered.append((channel, text))


def handle_connection(user, broker):
    inbox = Inbox(user)
    rooms = [f"room-{(user + k) % 5}" for k in range(3)]
    for room in rooms:
        broker.subscribe(room, inbox)
    for n in range(20):
        broker.publish(rooms[n % 3], f"user{user}: message {n}")
        if n % 7 == 0:
            time.sleep(0.0002)
    for room in rooms[:2]:
        broker.unsubscribe(room, inbox)
    return user, len(inbox.messages)


def main():
    broker = Broker()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(handle_connection, range(24), repeat(broker)))
    total_received = sum(count for _, count in results)
    print(f"{len(results)} connections, {total_received} messages received")
    print(f"{len(broker.delivered)} deliveries logged")
    for channel in sorted(broker.channels):
        print(f"  {channel}: {len(broker.channels[channel])} members left")


if __name__ == "__main__":
    main()
