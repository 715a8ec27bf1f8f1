"""A memo of slow lookups, filled by a thread pool; the check and the fill hold one lock."""
import threading
from concurrent.futures import ThreadPoolExecutor

profiles = {}
profiles_lock = threading.Lock()


def fetch_profile(user):
    return {"user": user, "plan": "free"}


def profile(user):
    with profiles_lock:
        if user not in profiles:
            profiles[user] = fetch_profile(user)
        return profiles[user]


with ThreadPoolExecutor(max_workers=4) as pool:
    results = list(pool.map(profile, ["ada", "alan", "ada", "grace"]))
