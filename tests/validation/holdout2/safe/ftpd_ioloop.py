# validation: Reduced copy of pyftpdlib's _IOLoop.instance() (pyftpdlib 1.0) used by an FTP server whose session threads register their control sockets with the global I/O loop.
# source: pyftpdlib (giampaolo/pyftpdlib) issue #220 "Race in _IOLoop.instance()"; code read from pyftpdlib/lib/ioloop.py at the fix commit 4470102f0a0ccdf6893acfcfb29e0a3865e9867c
# safe: instance() checks _instance again after taking the class lock, so only the first session thread creates the loop and all sessions register with it
import threading
import time


class _Scheduler(object):
    """Run the scheduled functions due to expire soonest (if any)."""

    def __init__(self):
        self._tasks = []

    def register(self, what):
        self._tasks.append(what)


class _IOLoop(object):
    """Base class which will later be referred as IOLoop."""

    READ = 1
    WRITE = 2
    _instance = None
    _lock = threading.Lock()

    def __init__(self):
        time.sleep(0.002)  # stands in for creating the epoll/kqueue object
        self.socket_map = {}
        self.sched = _Scheduler()

    @classmethod
    def instance(cls):
        """Return a global IOLoop instance."""
        if cls._instance is None:
            cls._lock.acquire()
            try:
                if cls._instance is None:
                    cls._instance = cls()
            finally:
                cls._lock.release()
        return cls._instance

    def register(self, fd, instance, events):
        """Register a fd, handled by instance for the given events."""
        self.socket_map[fd] = instance

    def unregister(self, fd):
        """Unregister fd."""
        self.socket_map.pop(fd, None)


class FTPSession(threading.Thread):
    """One control connection; it registers its socket with the global loop."""

    def __init__(self, fd, start_gate):
        super().__init__()
        self.fd = fd
        self.start_gate = start_gate

    def run(self):
        self.start_gate.wait()
        _IOLoop.instance().register(self.fd, self, _IOLoop.READ)


if __name__ == "__main__":
    gate = threading.Event()
    sessions = [FTPSession(fd, gate) for fd in range(100, 112)]
    for s in sessions:
        s.start()
    gate.set()
    for s in sessions:
        s.join()
    served = len(_IOLoop.instance().socket_map)
    print("sessions the serving loop knows about:", served, "of", len(sessions))
