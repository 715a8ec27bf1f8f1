# validation: A small order-intake HTTP API that assigns order numbers and honours client idempotency keys, served by ThreadingHTTPServer to several client threads.
# source: written blind from a description (holdout batch, 2026-12-05)
import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class OrderHandler(BaseHTTPRequestHandler):
    next_order_no = 1000
    orders_by_key = {}

    def log_message(self, fmt, *args):
        pass

    @classmethod
    def allocate_number(cls):
        number = cls.next_order_no  # RACE[a]: two requests can read the same counter value
        cls.next_order_no = number + 1  # RACE[a]: ...and both write it back, duplicating an order number
        return number

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        payload = json.loads(self.rfile.read(length) or b"{}")
        key = payload.get("idempotency_key")
        known = type(self).orders_by_key
        if key in known:  # RACE[b]: a retry racing the first attempt both see the key missing
            number = known[key]
        else:
            number = self.allocate_number()
            known[key] = number  # RACE[b]: ...and both create an order, the second overwriting the first
        body = json.dumps({"order": number, "sku": payload.get("sku")}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def place_order(url, sku, key, results):
    data = json.dumps({"sku": sku, "idempotency_key": key}).encode()
    req = urllib.request.Request(url, data=data, method="POST")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=5) as resp:
        results.append(json.loads(resp.read())["order"])


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), OrderHandler)
    server.daemon_threads = True
    serve = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    serve.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/orders"
    results = []
    clients = []
    for i in range(12):
        key = f"cart-{i // 2}"  # every cart is submitted twice, as a client retry would
        t = threading.Thread(target=place_order, args=(url, f"sku-{i}", key, results))
        clients.append(t)
        t.start()
    for t in clients:
        t.join()
    server.shutdown()
    server.server_close()
    print("order numbers:", sorted(results))
    print("distinct orders:", len(set(results)), "for", len(OrderHandler.orders_by_key), "carts")


if __name__ == "__main__":
    main()
