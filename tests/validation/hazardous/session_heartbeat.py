# validation: A game server tracks live player sessions in a WeakSet; a heartbeat thread pings them while connection threads register new sessions.
# source: written blind from a description
import threading
import time
import weakref


class PlayerSession:
    def __init__(self, player: str) -> None:
        self.player = player
        self.pings = 0


class SessionTracker:
    def __init__(self) -> None:
        self._live: "weakref.WeakSet[PlayerSession]" = weakref.WeakSet()

    def register(self, session: PlayerSession) -> None:
        self._live.add(session)  # RACE[a]: adds to the set the heartbeat thread is iterating

    def ping_all(self) -> int:
        count = 0
        for session in self._live:  # RACE[a]: WeakSet iteration raises "Set changed size during iteration" when another thread adds
            session.pings += 1
            count += 1
        return count


class HeartbeatThread(threading.Thread):
    def __init__(self, tracker: SessionTracker, interval: float) -> None:
        super().__init__(daemon=True, name="heartbeat")
        self.tracker = tracker
        self.interval = interval
        self.stopped = threading.Event()
        self.rounds = 0

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            self.tracker.ping_all()
            self.rounds += 1


class ConnectionThread(threading.Thread):
    def __init__(self, tracker: SessionTracker, players: list[str]) -> None:
        super().__init__()
        self.tracker = tracker
        self.players = players
        self.sessions: list[PlayerSession] = []

    def run(self) -> None:
        for name in self.players:
            session = PlayerSession(name)
            self.sessions.append(session)
            self.tracker.register(session)
            time.sleep(0.0002)


def main() -> None:
    tracker = SessionTracker()
    heartbeat = HeartbeatThread(tracker, interval=0.0005)
    heartbeat.start()
    connections = [ConnectionThread(tracker, [f"p{i}-{j}" for j in range(200)]) for i in range(3)]
    for c in connections:
        c.start()
    for c in connections:
        c.join()
    heartbeat.stopped.set()
    heartbeat.join()
    print(f"{heartbeat.rounds} heartbeat rounds over {sum(len(c.sessions) for c in connections)} sessions")


if __name__ == "__main__":
    main()
