"""Connections count themselves in a class attribute."""
import threading


class Connection:
    opened = 0

    def __init__(self, host):
        self.host = host
        # Every instance shares this counter: updates from two threads can be lost.
        Connection.opened += 1


def connect(host):
    Connection(host)


threads = [threading.Thread(target=connect, args=(f"db{n}",)) for n in range(4)]
for thread in threads:
    thread.start()
