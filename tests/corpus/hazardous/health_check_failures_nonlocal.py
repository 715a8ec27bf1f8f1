# hazard: read-modify-write of a nonlocal closure variable (failure count in executor callbacks)
import socket
from concurrent.futures import ThreadPoolExecutor


def check_hosts(hosts, port=443, timeout=2.0):
    failures = 0
    down = []

    def probe(host):
        nonlocal failures
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return True
        except OSError:
            failures = failures + 1
            down.append(host)
            return False

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(probe, hosts))
    return sum(results), failures, down
