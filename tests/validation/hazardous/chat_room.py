# validation: A chat server where each connection runs in a Thread subclass holding references to the shared room and the server statistics.
# source: written blind from a description
import threading
from dataclasses import dataclass, field


@dataclass
class ServerStats:
    messages: int = 0
    joins: int = 0


@dataclass
class Room:
    name: str
    members: list[str] = field(default_factory=list)
    backlog: list[str] = field(default_factory=list)


class ConnectionHandler(threading.Thread):
    def __init__(self, user: str, room: Room, stats: ServerStats, lines: list[str]) -> None:
        super().__init__(name=f"conn-{user}")
        self.user = user
        self.room = room
        self.stats = stats
        self.lines = lines

    def join_room(self) -> None:
        if self.user not in self.room.members:  # RACE[b]: check-then-act: two connections of the same user both pass
            self.room.members.append(self.user)  # RACE[b]: the user is listed twice in the room
        self.stats.joins += 1  # RACE[a]: shared stats object reached through self.stats; increments are lost

    def run(self) -> None:
        self.join_room()
        for line in self.lines:
            self.room.backlog.append(f"{self.user}: {line}")
            self.stats.messages += 1  # RACE[a]: lost update on the server-wide message counter


def main() -> None:
    room = Room("general")
    stats = ServerStats()
    users = ["ada", "bob", "cy", "ada", "bob", "dee"]  # ada and bob are connected from two devices
    handlers = [ConnectionHandler(u, room, stats, [f"hello #{i}" for i in range(2000)]) for u in users]
    for h in handlers:
        h.start()
    for h in handlers:
        h.join()
    print(f"members={room.members} joins={stats.joins} messages={stats.messages} backlog={len(room.backlog)}")


if __name__ == "__main__":
    main()
