"""The same three pieces of shared state, each changed under a lock."""
import threading
from concurrent.futures import ThreadPoolExecutor

lock = threading.Lock()
hits = 0
cache = {}
_conn = None


def count_hit():
    global hits
    with lock:
        hits += 1


def lookup(key):
    with lock:
        if key not in cache:
            cache[key] = key.upper()
        return cache[key]


def make_connection():
    return object()


def connection():
    global _conn
    with lock:
        if _conn is None:
            _conn = make_connection()
        return _conn


threads = [threading.Thread(target=count_hit) for _ in range(8)]
for thread in threads:
    thread.start()

with ThreadPoolExecutor() as pool:
    pool.map(lookup, ["a", "b", "a"])
    for _ in range(2):
        pool.submit(connection)
