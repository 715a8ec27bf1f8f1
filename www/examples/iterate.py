"""A session table that one thread expires while another registers sessions."""
import threading
import time

sessions = {}


def register(user):
    sessions[user] = time.time()


def expire():
    # Another thread can add a session meanwhile: "dictionary changed size during iteration".
    for user, started in sessions.items():
        if time.time() - started > 3600:
            print("expired", user)


threading.Thread(target=register, args=("ada",)).start()
threading.Thread(target=expire).start()
