# validation: A database connection pool backed by queue.Queue shared by report-generating client threads.
# source: written blind from a description
# safe: connections are created up front and handed out and returned only through a thread-safe queue.Queue; each connection is used by one thread at a time.
import contextlib
import itertools
import queue
import threading
import time

_conn_ids = itertools.count(1)


class FakeConnection:
    def __init__(self) -> None:
        self.id = next(_conn_ids)

    def execute(self, sql: str) -> list[tuple]:
        time.sleep(0.0005)
        return [(self.id, sql)]


class ConnectionPool:
    def __init__(self, size: int = 3) -> None:
        self.size = size
        self._idle: "queue.Queue[FakeConnection]" = queue.Queue(maxsize=size)
        for _ in range(size):
            self._idle.put(FakeConnection())

    @contextlib.contextmanager
    def connection(self, timeout: float = 5.0):
        conn = self._idle.get(timeout=timeout)
        try:
            yield conn
        finally:
            self._idle.put(conn)


def run_reports(pool: ConnectionPool, report_ids: range, results: "queue.Queue[list]") -> None:
    for rid in report_ids:
        with pool.connection() as conn:
            results.put(conn.execute(f"SELECT * FROM report_{rid}"))


def main() -> None:
    pool = ConnectionPool(size=3)
    results: "queue.Queue[list]" = queue.Queue()
    clients = [
        threading.Thread(target=run_reports, kwargs={"pool": pool, "report_ids": range(i * 50, i * 50 + 50), "results": results})
        for i in range(6)
    ]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    used = {rows[0][0] for rows in (results.get() for _ in range(results.qsize()))}
    print(f"300 queries ran on connections {sorted(used)}")


if __name__ == "__main__":
    main()
