# validation: A hand-rolled database connection pool shared by report-generating client threads.
# source: written blind from a description
import itertools
import logging
import threading
import time

log = logging.getLogger("pool")
_conn_ids = itertools.count(1)


class FakeConnection:
    def __init__(self) -> None:
        self.id = next(_conn_ids)
        self.closed = False

    def execute(self, sql: str) -> list[tuple]:
        time.sleep(0.0005)
        return [(self.id, sql)]


class ConnectionPool:
    def __init__(self, max_size: int = 3) -> None:
        self.max_size = max_size
        self._idle: list[FakeConnection] = []
        self._created = 0

    def acquire(self) -> FakeConnection:
        while True:
            if self._idle:  # RACE[a]: check-then-act: another client may take the last idle connection first
                return self._idle.pop()  # RACE[a]: IndexError (pop from empty list) when the idle list was drained in between
            if self._created < self.max_size:  # RACE[b]: two clients can both pass this limit check
                self._created += 1  # RACE[b]: lost update, and the pool grows past max_size
                log.debug("opening connection %d", self._created)
                return FakeConnection()
            time.sleep(0.0005)

    def release(self, conn: FakeConnection) -> None:
        self._idle.append(conn)


def run_reports(pool: ConnectionPool, report_ids: range, results: list) -> None:
    for rid in report_ids:
        conn = pool.acquire()
        try:
            results.append(conn.execute(f"SELECT * FROM report_{rid}"))
        finally:
            pool.release(conn)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    pool = ConnectionPool(max_size=3)
    results: list = []
    clients = [
        threading.Thread(target=run_reports, kwargs={"pool": pool, "report_ids": range(i * 50, i * 50 + 50), "results": results})
        for i in range(6)
    ]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    print(f"{len(results)} queries, {pool._created} connections opened (limit {pool.max_size})")


if __name__ == "__main__":
    main()
