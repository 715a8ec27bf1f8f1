# validation: Reduced copy of pyzmq's Context.instance() (pyzmq 15.4) used by a market-data gateway whose pool workers open their sockets on the shared global context.
# source: pyzmq (zeromq/pyzmq) PR #878 "make Context.instance() thread safe" (closes #875); code read from zmq/sugar/context.py at commit df9dc629f68efe345fcc3a9cb70586707ec58131
# safe: instance() repeats the "missing or closed" test while holding the class-level _instance_lock, so concurrent first callers share one context
import atexit
import functools
import time
from threading import Lock
from concurrent.futures import ThreadPoolExecutor

_exiting = False


def _notice_atexit():
    global _exiting
    _exiting = True


atexit.register(_notice_atexit)


class ContextBase(object):
    """Stand-in for the Cython backend context."""

    def __init__(self, io_threads=1, **kwargs):
        time.sleep(0.002)  # zmq_ctx_new() and starting the io threads
        self.closed = False
        self._sockets = []

    def term(self):
        for s in self._sockets:
            s.closed = True
        self.closed = True


class Socket(object):
    def __init__(self, context, socket_type):
        self.context = context
        self.socket_type = socket_type
        self.closed = False


class Context(ContextBase):
    """Create a zmq Context

    A zmq Context creates sockets via its ``ctx.socket`` method.
    """
    sockopts = None
    _instance = None
    _instance_lock = Lock()
    _shadow = False

    def __init__(self, io_threads=1, **kwargs):
        super(Context, self).__init__(io_threads=io_threads, **kwargs)
        if kwargs.get('shadow', False):
            self._shadow = True
        else:
            self._shadow = False
        self.sockopts = {}

    def __del__(self):
        """deleting a Context should terminate it, without trying non-threadsafe destroy"""
        if not self._shadow and not _exiting:
            self.term()

    # static method copied from tornado IOLoop.instance
    @classmethod
    def instance(cls, io_threads=1):
        """Returns a global Context instance."""
        if cls._instance is None or cls._instance.closed:
            with cls._instance_lock:
                if cls._instance is None or cls._instance.closed:
                    cls._instance = cls(io_threads=io_threads)
        return cls._instance

    def socket(self, socket_type):
        s = Socket(self, socket_type)
        self._sockets.append(s)
        return s


def open_feed(endpoint, socket_type):
    ctx = Context.instance()
    sock = ctx.socket(socket_type)
    return endpoint, sock


if __name__ == "__main__":
    feeds = ["inproc://quotes", "inproc://trades", "inproc://depth", "inproc://news"] * 3
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(functools.partial(open_feed, endpoint, "SUB")) for endpoint in feeds]
        opened = [f.result() for f in futures]
    contexts = {id(sock.context) for _, sock in opened}
    print("sockets opened:", len(opened), "contexts behind them:", len(contexts))
