# validation: An in-memory web session store shared by login, request and logout threads.
# source: written blind from a description
# safe: every operation on the shared dict is a single atomic call (d[k] = v for a fresh key, d.get, d.pop(k, None)); there is no check-then-act and no iteration while others write.
import secrets
import threading
from dataclasses import dataclass, field


@dataclass
class Session:
    user: str
    data: dict = field(default_factory=dict)


class SessionStore:
    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}

    def login(self, user: str) -> str:
        sid = secrets.token_hex(16)
        self._sessions[sid] = Session(user)
        return sid

    def lookup(self, sid: str) -> Session | None:
        return self._sessions.get(sid)

    def logout(self, sid: str) -> bool:
        return self._sessions.pop(sid, None) is not None

    def count(self) -> int:
        return len(self._sessions)


def user_activity(store: SessionStore, user: str, rounds: int, outcome: list) -> None:
    found = missing = 0
    for _ in range(rounds):
        sid = store.login(user)
        for _ in range(5):
            if store.lookup(sid) is not None:
                found += 1
            else:
                missing += 1
        store.logout(sid)
        store.logout(sid)  # double-click on "log out" is harmless
    outcome.append((user, found, missing))


def main() -> None:
    store = SessionStore()
    outcome: list[tuple[str, int, int]] = []
    threads = [threading.Thread(target=user_activity, args=(store, f"user{i}", 300, outcome)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("lookups found:", sum(o[1] for o in outcome), "missing:", sum(o[2] for o in outcome), "left:", store.count())


if __name__ == "__main__":
    main()
