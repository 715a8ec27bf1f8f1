# validation: A lightweight key-value-store connection pool class for a web framework, handing out idle connections or opening new ones up to a limit, meant to be shared by all request threads.
# source: written blind from a description (holdout batch, 2026-12-05)
# mode: library
# safe: the idle-list check and pop, and the room check plus reservation of a slot, each happen inside one `with self._lock` block; the slow open runs outside the lock after the slot is reserved, and a failed open gives the slot back in try/except
import threading
import time


class FakeConnection:
    def __init__(self, url):
        self.url = url
        self.closed = False

    def execute(self, *command):
        if self.closed:
            raise RuntimeError("connection closed")
        return f"{self.url}: {' '.join(command)}"


class ConnectionPool:
    def __init__(self, url, max_size=4):
        self.url = url
        self.max_size = max_size
        self._idle = []
        self._opened = 0
        self._lock = threading.Lock()

    def _open(self):
        time.sleep(0.001)  # TCP + AUTH handshake
        return FakeConnection(self.url)

    def acquire(self):
        with self._lock:
            if self._idle:
                return self._idle.pop()
            if self._opened >= self.max_size:
                raise RuntimeError("pool exhausted")
            self._opened += 1
        try:
            return self._open()
        except BaseException:
            with self._lock:
                self._opened -= 1
            raise

    def release(self, conn):
        with self._lock:
            if conn.closed:
                self._opened -= 1
            else:
                self._idle.append(conn)

    def stats(self):
        with self._lock:
            return {"opened": self._opened, "idle": len(self._idle), "max": self.max_size}


if __name__ == "__main__":
    pool = ConnectionPool("redis://127.0.0.1:6379/0", max_size=2)
    a = pool.acquire()
    b = pool.acquire()
    try:
        pool.acquire()
    except RuntimeError as exc:
        print("third acquire:", exc)
    print(a.execute("GET", "k1"), b.execute("SET", "k2", "v"))
    pool.release(a)
    c = pool.acquire()
    assert c is a
    b.closed = True
    pool.release(b)
    pool.release(c)
    print(pool.stats())
    assert pool.stats() == {"opened": 1, "idle": 1, "max": 2}
