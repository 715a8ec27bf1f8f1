# Reads only the current thread's own caller frame, and writes nothing through it.
import sys
import threading


def caller_name():
    return sys._getframe(1).f_code.co_name


def fetch(url):
    print("fetch called from", caller_name())
    return url


threading.Thread(target=fetch, args=("https://example.org",)).start()
