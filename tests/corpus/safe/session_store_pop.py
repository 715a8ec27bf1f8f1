# dict.pop(key, None) removes a session in one atomic step; no separate membership check.
import threading
import time
import uuid

SESSION_TTL = 1800
_sessions = {}


def create_session(user):
    sid = uuid.uuid4().hex
    _sessions[sid] = {"user": user, "seen": time.time()}
    return sid


def logout(sid):
    _sessions.pop(sid, None)


def _reaper():
    while True:
        now = time.time()
        for sid, data in list(_sessions.items()):
            if now - data["seen"] > SESSION_TTL:
                logout(sid)
        time.sleep(30)


threading.Thread(target=_reaper, daemon=True, name="session-reaper").start()
