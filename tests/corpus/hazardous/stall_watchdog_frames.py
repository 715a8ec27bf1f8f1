# hazard: sys._current_frames() reads live frames of running threads (unsafe on free-threaded builds)
import sys
import threading
import time
import traceback


def watchdog(interval=5.0):
    while True:
        time.sleep(interval)
        for ident, frame in sys._current_frames().items():
            print(ident, "".join(traceback.format_stack(frame)))


def work():
    total = 0
    for i in range(10_000_000):
        total += i
    return total


threading.Thread(target=watchdog, daemon=True).start()
threading.Thread(target=work).start()
