"""Job ids from one generator, taken under a lock."""
import itertools
import threading


def ids():
    for n in itertools.count():
        yield f"job-{n}"


next_id = ids()
next_id_lock = threading.Lock()


def submit():
    with next_id_lock:
        return next(next_id)


threads = [threading.Thread(target=submit) for _ in range(4)]
for thread in threads:
    thread.start()
