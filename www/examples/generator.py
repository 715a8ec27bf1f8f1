"""Job ids from one generator, taken by several threads."""
import itertools
import threading


def ids():
    for n in itertools.count():
        yield f"job-{n}"


next_id = ids()


def submit():
    # Two threads resuming the same generator: "ValueError: generator already executing".
    return next(next_id)


threads = [threading.Thread(target=submit) for _ in range(4)]
for thread in threads:
    thread.start()
