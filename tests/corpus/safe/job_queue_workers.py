# Producer/consumer with queue.Queue: the queue does all the synchronisation.
import queue
import threading

jobs = queue.Queue()
results = queue.Queue()


def worker():
    while True:
        job = jobs.get()
        if job is None:
            jobs.task_done()
            break
        try:
            results.put((job, job * job))
        finally:
            jobs.task_done()


def run(items, n=4):
    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for item in items:
        jobs.put(item)
    for _ in threads:
        jobs.put(None)
    jobs.join()
    out = []
    while not results.empty():
        out.append(results.get())
    return out
