"""Connections count themselves in a class attribute, under a class-level lock."""
import threading


class Connection:
    opened = 0
    _count_lock = threading.Lock()

    def __init__(self, host):
        self.host = host
        with Connection._count_lock:
            Connection.opened += 1


def connect(host):
    Connection(host)


threads = [threading.Thread(target=connect, args=(f"db{n}",)) for n in range(4)]
for thread in threads:
    thread.start()
