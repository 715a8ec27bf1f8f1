# validation: Reduced copy of logging.handlers.MemoryHandler (Python 3.8) after the fix: setTarget() takes the handler lock that flush() holds while sending buffered records.
# source: CPython bpo-41503 "Race between setTarget and flush in logging.handlers.MemoryHandler", fixed by PR #21765 (GH-21765, Python 3.8.6 / 3.9)
# safe: the buffer is only touched from emit() (run under the handler lock by Handler.handle) and flush(), and the target is only read or replaced under that same lock.
"""BufferingHandler and MemoryHandler below are Lib/logging/handlers.py from Python 3.8.18,
trimmed to the methods involved; the driver reconfigures the target while workers log."""
import io
import logging
import threading


class BufferingHandler(logging.Handler):
    def __init__(self, capacity):
        logging.Handler.__init__(self)
        self.capacity = capacity
        self.buffer = []

    def shouldFlush(self, record):
        return len(self.buffer) >= self.capacity

    def emit(self, record):
        self.buffer.append(record)
        if self.shouldFlush(record):
            self.flush()


class MemoryHandler(BufferingHandler):
    def __init__(self, capacity, flushLevel=logging.ERROR, target=None, flushOnClose=True):
        BufferingHandler.__init__(self, capacity)
        self.flushLevel = flushLevel
        self.target = target
        self.flushOnClose = flushOnClose

    def shouldFlush(self, record):
        return (len(self.buffer) >= self.capacity) or (record.levelno >= self.flushLevel)

    def setTarget(self, target):
        """Set the target handler for this handler."""
        self.acquire()
        try:
            self.target = target
        finally:
            self.release()

    def flush(self):
        """Send the buffered records to the target, if there is one, and clear the buffer."""
        self.acquire()
        try:
            if self.target:
                for record in self.buffer:
                    self.target.handle(record)
                self.buffer = []
        finally:
            self.release()


def log_requests(logger, n, failures):
    for i in range(n):
        try:
            logger.error("request %d failed", i)
        except AttributeError as exc:
            failures.append(exc)


def reconfigure(handler, rounds, targets):
    for i in range(rounds):
        handler.setTarget(None)  # logging is being reconfigured
        handler.setTarget(targets[i % len(targets)])


if __name__ == "__main__":
    streams = [io.StringIO(), io.StringIO()]
    targets = [logging.StreamHandler(s) for s in streams]
    handler = MemoryHandler(capacity=10, flushLevel=logging.ERROR, target=targets[0])
    logger = logging.getLogger("service")
    logger.propagate = False
    logger.addHandler(handler)
    failures = []
    workers = [threading.Thread(target=log_requests, args=(logger, 2000, failures)) for _ in range(3)]
    workers.append(threading.Thread(target=reconfigure, args=(handler, 2000, targets)))
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    handler.setTarget(targets[0])
    handler.flush()
    written = sum(s.getvalue().count("\n") for s in streams)
    print(f"{written} records written, {len(failures)} failed logging calls")
