"""Status server with a request counter guarded by a lock."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

requests_served = 0
bytes_sent = 0
_stats_lock = threading.Lock()


class StatusHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        global requests_served, bytes_sent
        body = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with _stats_lock:
            requests_served += 1
            bytes_sent += len(body)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 8080), StatusHandler)
    server.serve_forever()


if __name__ == "__main__":
    main()
