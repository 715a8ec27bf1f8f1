# validation: A small table-booking HTTP API that assigns booking numbers and honours client idempotency keys, served by ThreadingHTTPServer to several client threads.
# source: written blind from a description (holdout batch, 2026-12-05)
# safe: the class-level counter and the idempotency map are read and written only inside one class-level lock held across the whole lookup-or-allocate step
import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class BookingHandler(BaseHTTPRequestHandler):
    next_booking_no = 5000
    bookings_by_key = {}
    state_lock = threading.Lock()

    def log_message(self, fmt, *args):
        pass

    @classmethod
    def booking_for(cls, key):
        with cls.state_lock:
            number = cls.bookings_by_key.get(key)
            if number is None:
                number = cls.next_booking_no
                cls.next_booking_no = number + 1
                cls.bookings_by_key[key] = number
            return number

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        payload = json.loads(self.rfile.read(length) or b"{}")
        number = type(self).booking_for(payload.get("idempotency_key"))
        body = json.dumps({"booking": number, "table": payload.get("table")}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def book_table(url, table, key, results):
    data = json.dumps({"table": table, "idempotency_key": key}).encode()
    req = urllib.request.Request(url, data=data, method="POST")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=5) as resp:
        results.append(json.loads(resp.read())["booking"])


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), BookingHandler)
    server.daemon_threads = True
    serve = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    serve.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/bookings"
    results = []
    clients = []
    for i in range(12):
        key = f"party-{i // 2}"  # every booking is submitted twice, as a client retry would
        t = threading.Thread(target=book_table, args=(url, i % 4, key, results))
        clients.append(t)
        t.start()
    for t in clients:
        t.join()
    server.shutdown()
    server.server_close()
    print("booking numbers:", sorted(results))
    print("distinct bookings:", len(set(results)), "for", len(BookingHandler.bookings_by_key), "parties")


if __name__ == "__main__":
    main()
