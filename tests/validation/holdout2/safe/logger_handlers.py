# validation: Reduced copy of logging.Logger's handler list after the gh-79366 fix, in a service whose request threads log while an admin thread detaches temporary debug handlers at runtime.
# source: CPython (python/cpython) PR #154528 "gh-79366: Fix a race condition when removing a logging handler"; removeHandler() rewritten as the PR description states (replace the list with a copy instead of mutating it), the PR diff itself was not read; rest from Lib/logging/__init__.py of Python 3.13.0
# safe: removeHandler() publishes a new list under the module lock instead of changing the list callHandlers() iterates; handlers are only added before the request threads start
import threading
import time

_lock = threading.RLock()

NOTSET, DEBUG, INFO = 0, 10, 20


class LogRecord:
    def __init__(self, name, levelno, msg):
        self.name = name
        self.levelno = levelno
        self.msg = msg


class ListHandler:
    """Stand-in for a handler: keeps what it was asked to emit."""

    def __init__(self, name, level=NOTSET):
        self.name = name
        self.level = level
        self.records = []

    def handle(self, record):
        self.records.append(record.msg)


class Logger:
    def __init__(self, name, level=NOTSET):
        self.name = name
        self.level = level
        self.parent = None
        self.propagate = True
        self.handlers = []

    def addHandler(self, hdlr):
        """
        Add the specified handler to this logger.
        """
        with _lock:
            if not (hdlr in self.handlers):
                self.handlers.append(hdlr)

    def removeHandler(self, hdlr):
        """
        Remove the specified handler from this logger.
        """
        with _lock:
            if hdlr in self.handlers:
                handlers = self.handlers.copy()
                handlers.remove(hdlr)
                self.handlers = handlers

    def callHandlers(self, record):
        c = self
        found = 0
        while c:
            for hdlr in c.handlers:
                found = found + 1
                if record.levelno >= hdlr.level:
                    hdlr.handle(record)
            if not c.propagate:
                c = None    #break out
            else:
                c = c.parent
        return found

    def info(self, msg):
        self.callHandlers(LogRecord(self.name, INFO, msg))


class RequestWorker:
    def __init__(self, logger, worker_id, n_requests):
        self.logger = logger
        self.worker_id = worker_id
        self.n_requests = n_requests

    def serve(self):
        for i in range(self.n_requests):
            self.logger.info(f"worker {self.worker_id} handled request {i}")


def detach_debug_handlers(logger, handlers):
    for h in handlers:
        time.sleep(0.0005)
        logger.removeHandler(h)


if __name__ == "__main__":
    log = Logger("shop.api")
    debug_handlers = [ListHandler(f"debug{i}") for i in range(6)]
    audit = ListHandler("audit", INFO)
    for h in debug_handlers + [audit]:
        log.addHandler(h)
    workers = [RequestWorker(log, w, 400) for w in range(4)]
    threads = [threading.Thread(target=w.serve) for w in workers]
    threads.append(threading.Thread(target=detach_debug_handlers, args=(log, debug_handlers)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("audit records:", len(audit.records), "of", 4 * 400)
