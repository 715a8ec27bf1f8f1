"""Three free-threading hazards: each one is safe under the GIL only by luck."""
import threading
from concurrent.futures import ThreadPoolExecutor

hits = 0
cache = {}
_conn = None


def count_hit():
    # Read-modify-write of a global: two threads can read the same value and lose an update.
    global hits
    hits += 1


def lookup(key):
    # Check-then-act on a shared dict: both threads can miss and compute the value twice.
    if key not in cache:
        cache[key] = key.upper()
    return cache[key]


def make_connection():
    return object()


def connection():
    # Lazy initialisation of a global: two threads can each create a connection.
    global _conn
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
