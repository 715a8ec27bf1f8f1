"""A database client created on first use, from request threads."""
import threading

_client = None


class Client:
    def query(self, sql):
        return []


def client():
    global _client
    # Two threads can both see None and each build a client: one of them is lost.
    if _client is None:
        _client = Client()
    return _client


def handle_request():
    client().query("select 1")


threads = [threading.Thread(target=handle_request) for _ in range(4)]
for thread in threads:
    thread.start()
