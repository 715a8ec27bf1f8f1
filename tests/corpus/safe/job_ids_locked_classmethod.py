# Class-level id sequence guarded by a class-level lock.
import threading
import time
from concurrent.futures import ThreadPoolExecutor


class Job:
    _next_id = 1
    _id_lock = threading.Lock()

    def __init__(self, name, payload):
        self.name = name
        self.payload = payload
        self.created = time.time()
        with Job._id_lock:
            self.id = Job._next_id
            Job._next_id += 1


def enqueue_from_request(request):
    return Job(request["name"], request.get("payload", {}))


def handle_requests(requests):
    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(enqueue_from_request, requests))
