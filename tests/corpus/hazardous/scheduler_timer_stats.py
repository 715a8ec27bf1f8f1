# hazard: read-modify-write of a module global (job scheduler re-arming threading.Timer callbacks)
import threading
import time

runs = 0
last_duration = 0.0


def schedule(interval, func):
    def tick():
        global runs, last_duration
        started = time.monotonic()
        try:
            func()
        finally:
            runs += 1
            last_duration = time.monotonic() - started
            schedule(interval, func)

    timer = threading.Timer(interval, tick)
    timer.daemon = True
    timer.start()
    return timer
