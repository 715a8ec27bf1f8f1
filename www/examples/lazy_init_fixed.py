"""A database client created on first use, from request threads, under a lock."""
import threading

_client = None
_client_lock = threading.Lock()


class Client:
    def query(self, sql):
        return []


def client():
    global _client
    with _client_lock:
        if _client is None:
            _client = Client()
        return _client


def handle_request():
    client().query("select 1")


threads = [threading.Thread(target=handle_request) for _ in range(4)]
for thread in threads:
    thread.start()
