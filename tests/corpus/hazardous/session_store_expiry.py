# hazard: check-then-act on a shared dict (session expired by a reaper thread while a request removes it)
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
    if sid in _sessions:
        del _sessions[sid]


def _reaper():
    while True:
        now = time.time()
        for sid, data in list(_sessions.items()):
            if now - data["seen"] > SESSION_TTL:
                logout(sid)
        time.sleep(30)


threading.Thread(target=_reaper, daemon=True, name="session-reaper").start()
