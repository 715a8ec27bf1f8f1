# Connection pool built on queue.LifoQueue; connections go back in a finally block.
import queue
import sqlite3
from concurrent.futures import ThreadPoolExecutor


class Pool:
    def __init__(self, path, size=4):
        self._idle = queue.LifoQueue(maxsize=size)
        for _ in range(size):
            self._idle.put(sqlite3.connect(path, check_same_thread=False))

    def run(self, sql, params=()):
        conn = self._idle.get()
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            self._idle.put(conn)


def run_queries(pool, queries):
    with ThreadPoolExecutor(max_workers=20) as ex:
        return list(ex.map(pool.run, queries))
