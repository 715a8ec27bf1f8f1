# validation: A keep-alive HTTP connection pool class that a web-scraping library shares between all of its caller threads.
# source: written blind from a description
# mode: library
"""Keyed keep-alive pool: ``with pool.connection(host) as conn: conn.request(...)``."""
import contextlib
import itertools
from dataclasses import dataclass, field

__all__ = ["ConnectionPool"]

_ids = itertools.count()


@dataclass
class Connection:
    host: str
    id: int = field(default_factory=lambda: next(_ids))
    requests: int = 0

    def request(self, path: str) -> str:
        self.requests += 1
        return f"200 OK {self.host}{path}"


class ConnectionPool:
    def __init__(self, max_per_host: int = 4) -> None:
        self.max_per_host = max_per_host
        self._idle: dict[str, list[Connection]] = {}
        self._open: dict[str, int] = {}

    def _checkout(self, host: str) -> Connection:
        idle = self._idle.setdefault(host, [])
        if idle:  # RACE[a]: check-then-act: another caller may take the last idle connection first
            return idle.pop()  # RACE[a]: IndexError when the list was emptied in between
        if self._open.get(host, 0) >= self.max_per_host:  # RACE[b]: concurrent callers all pass the per-host limit check
            raise RuntimeError(f"pool exhausted for {host}")
        self._open[host] = self._open.get(host, 0) + 1  # RACE[b]: lost update; more connections than max_per_host are opened
        return Connection(host)

    def _checkin(self, conn: Connection) -> None:
        self._idle.setdefault(conn.host, []).append(conn)

    @contextlib.contextmanager
    def connection(self, host: str):
        conn = self._checkout(host)
        try:
            yield conn
        finally:
            self._checkin(conn)

    def stats(self) -> dict[str, tuple[int, int]]:
        return {host: (count, len(self._idle.get(host, []))) for host, count in self._open.items()}  # RACE[c]: iterates the dict while _checkout adds hosts


if __name__ == "__main__":
    pool = ConnectionPool(max_per_host=2)
    with pool.connection("example.org") as c:
        print(c.request("/"))
    print(pool.stats())
