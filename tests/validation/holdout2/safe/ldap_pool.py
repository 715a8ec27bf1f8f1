# validation: An LDAP connection pool library for an intranet single-sign-on service, handing out idle connections or opening new ones up to a limit, shared by every thread that authenticates users.
# source: written blind from a description
# mode: library
# safe: the idle list, the open count and the bind counter are only read and changed while holding the pool lock; connecting happens outside the lock after a slot was reserved under it
import threading


class FakeLDAP:
    """Stands in for an LDAP connection so the smoke test needs no directory server."""

    def __init__(self, url):
        self.url = url
        self.open = True

    def simple_bind(self, dn, password):
        if not self.open:
            raise OSError("connection closed")
        return password == "secret"

    def close(self):
        self.open = False


class LDAPPool:
    def __init__(self, url, max_size=4, connect=FakeLDAP):
        self.url = url
        self.max_size = max_size
        self._connect = connect
        self._idle = []
        self._opened = 0
        self._lock = threading.Lock()
        self.binds = 0

    def acquire(self):
        with self._lock:
            if self._idle:
                return self._idle.pop()
            if self._opened >= self.max_size:
                raise RuntimeError(f"LDAP pool for {self.url} exhausted")
            self._opened += 1
        try:
            return self._connect(self.url)
        except Exception:
            with self._lock:
                self._opened -= 1
            raise

    def release(self, conn):
        with self._lock:
            self._idle.append(conn)

    def discard(self, conn):
        conn.close()
        with self._lock:
            self._opened -= 1

    def authenticate(self, dn, password):
        conn = self.acquire()
        try:
            ok = conn.simple_bind(dn, password)
        except OSError:
            self.discard(conn)
            raise
        with self._lock:
            self.binds += 1
        self.release(conn)
        return ok


if __name__ == "__main__":
    pool = LDAPPool("ldap://directory.example.test", max_size=2)
    for user, pw in (("uid=ana", "secret"), ("uid=bo", "wrong"), ("uid=cy", "secret")):
        print(user, pool.authenticate(user + ",dc=example,dc=test", pw))
    print("binds:", pool.binds, "opened:", pool._opened, "idle:", len(pool._idle))
