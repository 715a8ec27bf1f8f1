# hazard: lock acquired without try/finally (pool semaphore leaks a slot when the query raises)
import threading
from concurrent.futures import ThreadPoolExecutor


class Pool:
    def __init__(self, size, factory):
        self._slots = threading.BoundedSemaphore(size)
        self._factory = factory
        self._idle = []
        self._mutex = threading.Lock()

    def run(self, sql):
        self._slots.acquire()
        with self._mutex:
            conn = self._idle.pop() if self._idle else self._factory()
        rows = conn.execute(sql)
        with self._mutex:
            self._idle.append(conn)
        self._slots.release()
        return rows


def run_queries(pool, queries):
    with ThreadPoolExecutor(max_workers=20) as ex:
        return list(ex.map(pool.run, queries))
