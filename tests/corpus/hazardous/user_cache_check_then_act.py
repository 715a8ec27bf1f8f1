# hazard: check-then-act on a shared dict (cache eviction races with lookups from pool threads)
from concurrent.futures import ThreadPoolExecutor

MAX_ENTRIES = 1000
_user_cache = {}


def load_user(user_id):
    return {"id": user_id, "name": f"user{user_id}"}


def get_user(user_id):
    if user_id in _user_cache:
        return _user_cache[user_id]
    user = load_user(user_id)
    if len(_user_cache) >= MAX_ENTRIES:
        oldest = next(iter(_user_cache))
        del _user_cache[oldest]
    _user_cache[user_id] = user
    return user


def render_profiles(ids):
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(get_user, ids))
