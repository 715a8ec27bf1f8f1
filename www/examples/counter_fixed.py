"""A request counter shared by the handler threads, updated under a lock."""
import threading

requests_served = 0
counter_lock = threading.Lock()


def handle(request_id):
    global requests_served
    with counter_lock:
        requests_served += 1


workers = [threading.Thread(target=handle, args=(n,)) for n in range(8)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
print(requests_served)
