# validation: A chat server where connection threads join and leave rooms while a broadcaster thread fans each message out to the room's current members.
# source: written blind from a description
# safe: membership changes and delivery counts are made under the room lock, leave() uses discard, and broadcast() iterates a frozenset snapshot taken under that lock
import threading
import time


class Room:
    def __init__(self, name):
        self.name = name
        self._lock = threading.Lock()
        self.members = set()
        self.delivered = {}
        self.history = []

    def join(self, user):
        with self._lock:
            self.members.add(user)
        self.history.append(("join", user))

    def leave(self, user):
        with self._lock:
            self.members.discard(user)
        self.history.append(("leave", user))

    def _count(self, user):
        with self._lock:
            self.delivered[user] = self.delivered.get(user, 0) + 1

    def broadcast(self, text):
        with self._lock:
            recipients = frozenset(self.members)
        for user in recipients:
            self._count(user)

    def direct_message(self, user, text):
        self._count(user)


def connection(room, user, stop):
    while not stop.is_set():
        room.join(user)
        room.direct_message(user, "welcome back")
        time.sleep(0)
        room.leave(user)


def moderator(room, users, stop):
    while not stop.is_set():
        for user in users:
            room.leave(user)


def broadcaster(room, messages, stop):
    try:
        for text in messages:
            room.broadcast(text)
    finally:
        stop.set()


if __name__ == "__main__":
    lobby = Room("lobby")
    stop = threading.Event()
    users = ["ann", "bo", "cy", "di", "ed"]
    threads = [threading.Thread(target=connection, kwargs={"room": lobby, "user": u, "stop": stop}) for u in users]
    threads.append(threading.Thread(target=moderator, kwargs={"room": lobby, "users": users[:2], "stop": stop}))
    threads.append(threading.Thread(target=broadcaster, kwargs={"room": lobby, "messages": ["hi"] * 3000, "stop": stop}))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("deliveries:", sum(lobby.delivered.values()), "events:", len(lobby.history))
