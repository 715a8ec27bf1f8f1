# validation: A lightweight database connection pool class for a web framework, handing out idle connections or opening new ones up to a limit, meant to be shared by all request threads.
# source: written blind from a description (holdout batch, 2026-12-05)
# mode: library
import threading
import time


class FakeConnection:
    def __init__(self, dsn):
        self.dsn = dsn
        self.closed = False

    def execute(self, sql):
        if self.closed:
            raise RuntimeError("connection closed")
        return f"{self.dsn}: {sql}"


class ConnectionPool:
    def __init__(self, dsn, max_size=4):
        self.dsn = dsn
        self.max_size = max_size
        self._idle = []
        self._opened = 0
        self._lock = threading.Lock()

    def _open(self):
        time.sleep(0.001)  # TCP + auth handshake
        return FakeConnection(self.dsn)

    def acquire(self):
        self._lock.acquire()
        have_idle = len(self._idle) > 0
        room = self._opened < self.max_size
        self._lock.release()
        if have_idle:  # RACE[a]: the idle list was checked under the lock but is used after releasing it...
            return self._idle.pop()  # RACE[a]: ...so another thread may have emptied it: IndexError
        if room:  # RACE[b]: several threads can see room for one more connection...
            self._opened += 1  # RACE[b]: ...and all open one, exceeding max_size (and losing increments)
            return self._open()
        raise RuntimeError("pool exhausted")

    def release(self, conn):
        if conn.closed:
            self._lock.acquire()
            self._opened -= 1  # RACE[b]: this decrement holds the lock but acquire's increment does not, so updates are lost
            self._lock.release()
            return
        self._idle.append(conn)

    def stats(self):
        return {"opened": self._opened, "idle": len(self._idle), "max": self.max_size}


if __name__ == "__main__":
    pool = ConnectionPool("postgresql://app@127.0.0.1/shop", max_size=2)
    a = pool.acquire()
    b = pool.acquire()
    try:
        pool.acquire()
    except RuntimeError as exc:
        print("third acquire:", exc)
    print(a.execute("SELECT 1"), b.execute("SELECT 2"))
    pool.release(a)
    c = pool.acquire()
    assert c is a
    b.closed = True
    pool.release(b)
    pool.release(c)
    print(pool.stats())
    assert pool.stats() == {"opened": 1, "idle": 1, "max": 2}
