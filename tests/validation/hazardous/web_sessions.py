# validation: An in-memory web session store with request threads looking sessions up and a reaper thread expiring idle ones.
# source: written blind from a description
import secrets
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Session:
    user: str
    last_seen: float = field(default_factory=time.monotonic)
    data: dict = field(default_factory=dict)


class SessionStore:
    def __init__(self, idle_timeout: float) -> None:
        self.idle_timeout = idle_timeout
        self._sessions: dict[str, Session] = {}

    def create(self, user: str) -> str:
        sid = secrets.token_hex(8)
        self._sessions[sid] = Session(user)  # RACE[b]: inserts while the reaper iterates the same dict
        return sid

    def get(self, sid: str) -> Session | None:
        if sid in self._sessions:  # RACE[a]: check-then-read: the reaper can delete the session right after this check
            session = self._sessions[sid]  # RACE[a]: KeyError when the session was reaped in between
            session.last_seen = time.monotonic()
            return session
        return None

    def reap(self) -> int:
        now = time.monotonic()
        expired = [sid for sid, s in self._sessions.items() if now - s.last_seen > self.idle_timeout]  # RACE[b]: iterating the live dict while request threads create sessions
        for sid in expired:
            del self._sessions[sid]  # RACE[a]: deletes the key a request thread just checked
        return len(expired)


def request_loop(store: SessionStore, user: str, n: int) -> None:
    sids = [store.create(user) for _ in range(5)]
    for i in range(n):
        store.get(sids[i % len(sids)])
        if i % 40 == 0:
            sids.append(store.create(user))
            time.sleep(0.0002)


def reaper_loop(store: SessionStore, stop: threading.Event) -> None:
    while not stop.wait(0.0005):
        store.reap()


def main() -> None:
    store = SessionStore(idle_timeout=0.001)
    stop = threading.Event()
    reaper = threading.Thread(target=reaper_loop, args=(store, stop), daemon=True)
    reaper.start()
    users = [threading.Thread(target=request_loop, args=(store, f"user{i}", 1500)) for i in range(4)]
    for u in users:
        u.start()
    for u in users:
        u.join()
    stop.set()
    reaper.join()
    print("sessions left:", len(store._sessions))


if __name__ == "__main__":
    main()
