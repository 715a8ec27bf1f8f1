"""A memo of slow lookups, filled by a thread pool."""
from concurrent.futures import ThreadPoolExecutor

profiles = {}


def fetch_profile(user):
    return {"user": user, "plan": "free"}


def profile(user):
    # Check, then act: two threads can both miss and fetch the same profile twice.
    if user not in profiles:
        profiles[user] = fetch_profile(user)
    return profiles[user]


with ThreadPoolExecutor(max_workers=4) as pool:
    results = list(pool.map(profile, ["ada", "alan", "ada", "grace"]))
