"""A session table: both threads hold its lock, and expiry iterates over a copy."""
import threading
import time

sessions = {}
sessions_lock = threading.Lock()


def register(user):
    with sessions_lock:
        sessions[user] = time.time()


def expire():
    with sessions_lock:
        snapshot = list(sessions.items())
    for user, started in snapshot:
        if time.time() - started > 3600:
            print("expired", user)


threading.Thread(target=register, args=("ada",)).start()
threading.Thread(target=expire).start()
