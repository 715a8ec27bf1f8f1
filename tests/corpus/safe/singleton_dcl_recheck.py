# Double-checked locking done right: the condition is checked again under the lock.
import threading

_registry = None
_registry_lock = threading.Lock()


class ServiceRegistry:
    def __init__(self):
        self.services = {}


def get_registry():
    global _registry
    if _registry is None:
        with _registry_lock:
            if _registry is None:
                _registry = ServiceRegistry()
    return _registry


def announce(name, addr):
    get_registry().services[name] = addr


def boot(services):
    threads = [threading.Thread(target=announce, args=s) for s in services]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
