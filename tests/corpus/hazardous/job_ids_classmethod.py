# hazard: read-modify-write of a class attribute (job id sequence in a classmethod)
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
import time


@dataclass
class Job:
    name: str
    payload: dict
    id: int = field(default=0)
    created: float = field(default_factory=time.time)

    _next_id = 1

    @classmethod
    def create(cls, name, payload):
        job = cls(name, payload)
        job.id = cls._next_id
        cls._next_id += 1
        return job


def enqueue_from_request(request):
    return Job.create(request["name"], request.get("payload", {}))


def handle_requests(requests):
    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(enqueue_from_request, requests))
