# hazard: signal handler installed off the main thread (graceful shutdown set up inside the worker)
import signal
import threading
import time

stop = threading.Event()


def _on_term(signum, frame):
    stop.set()


def consumer_loop():
    signal.signal(signal.SIGTERM, _on_term)
    while not stop.is_set():
        time.sleep(0.1)


def start():
    t = threading.Thread(target=consumer_loop, name="consumer")
    t.start()
    return t
