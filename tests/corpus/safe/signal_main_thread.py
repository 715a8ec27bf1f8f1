# Signal handler installed by the main thread before the worker starts; the worker only polls an Event.
import signal
import threading
import time

stop = threading.Event()


def _on_term(signum, frame):
    stop.set()


def consumer_loop():
    while not stop.is_set():
        time.sleep(0.1)


def main():
    signal.signal(signal.SIGTERM, _on_term)
    t = threading.Thread(target=consumer_loop, name="consumer")
    t.start()
    t.join()


if __name__ == "__main__":
    main()
