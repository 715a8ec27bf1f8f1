# hazard: writes a caller's variables through f_locals (PEP 667 write-through proxy; frames of other threads)
import sys
import threading


def reset_retries():
    caller = sys._getframe(1)
    caller.f_locals["retries"] = 0


def fetch(url):
    retries = 5
    while retries:
        retries -= 1
        if retries == 2:
            reset_retries()
    return url


threading.Thread(target=fetch, args=("https://example.org",)).start()
