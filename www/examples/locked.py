"""The same work made safe: every shared update happens under one lock."""
import threading
from concurrent.futures import ThreadPoolExecutor

lock = threading.Lock()
hits = 0
cache = {}


def count_hit():
    global hits
    with lock:
        hits += 1


def lookup(key):
    with lock:
        if key not in cache:
            cache[key] = key.upper()
        return cache[key]


threads = [threading.Thread(target=count_hit) for _ in range(8)]
for thread in threads:
    thread.start()

with ThreadPoolExecutor() as pool:
    pool.map(lookup, ["a", "b", "a"])
