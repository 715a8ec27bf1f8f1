# hazard: read-modify-write of a module global (request counter in a threaded HTTP server)
"""Tiny status server used by the deploy agent."""
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

requests_served = 0
bytes_sent = 0


class StatusHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        global requests_served, bytes_sent
        body = json.dumps({"ok": True, "served": requests_served}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        requests_served += 1
        bytes_sent += len(body)

    def log_message(self, fmt, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 8080), StatusHandler)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
