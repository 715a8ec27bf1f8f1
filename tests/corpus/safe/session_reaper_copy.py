# Iterates an atomic copy of the shared dict (dict.copy() holds the dict's lock).
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

SESSION_TTL = 1800
_sessions = {}


def create_session(user):
    sid = uuid.uuid4().hex
    _sessions[sid] = {"user": user, "seen": time.time()}
    return sid


def expired_sessions():
    now = time.time()
    return [sid for sid, data in _sessions.copy().items() if now - data["seen"] > SESSION_TTL]


def _reaper():
    while True:
        for sid in expired_sessions():
            _sessions.pop(sid, None)
        time.sleep(30)


threading.Thread(target=_reaper, daemon=True).start()
with ThreadPoolExecutor(max_workers=16) as pool:
    pool.map(create_session, ["ann", "bob", "cy"])
