# faulthandler dumps every thread's stack without touching frame objects from Python.
import faulthandler
import threading
import time


def watchdog(interval=5.0):
    while True:
        time.sleep(interval)
        faulthandler.dump_traceback(all_threads=True)


def work():
    total = 0
    for i in range(10_000_000):
        total += i
    return total


threading.Thread(target=watchdog, daemon=True).start()
threading.Thread(target=work).start()
