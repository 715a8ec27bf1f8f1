# validation: A small URL-shortener HTTP service on ThreadingHTTPServer whose POST handler assigns short codes from a counter kept on the server object and whose GET handler counts resolutions per code in a module dict.
# source: written blind from a description
import http.server
import threading
import urllib.request

CLICKS = {}
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def to_base36(n):
    digits = ""
    while True:
        n, r = divmod(n, 36)
        digits = ALPHABET[r] + digits
        if n == 0:
            return digits


class ShortenerHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        url = self.rfile.read(length).decode()
        n = self.server.next_id  # RACE[a]: two requests read the same id
        code = to_base36(n)
        self.server.links[code] = url  # RACE[a]: the second request's link overwrites the first one under the same code
        self.server.next_id = n + 1  # RACE[a]: both write back n + 1, so one id is handed out twice
        self._reply(201, code)

    def do_GET(self):
        code = self.path.lstrip("/")
        url = self.server.links.get(code)
        if url is None:
            self._reply(404, "unknown code")
            return
        CLICKS[code] = CLICKS.get(code, 0) + 1  # RACE[b]: lost update of the per-code click count
        self._reply(200, url)

    def _reply(self, status, text):
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def client(base, user, results):
    for i in range(5):
        target = f"https://example.test/{user}/article-{i}"
        req = urllib.request.Request(base + "/", data=target.encode(), method="POST")
        with urllib.request.urlopen(req) as resp:
            code = resp.read().decode()
        with urllib.request.urlopen(f"{base}/{code}") as resp:
            results.append((target, resp.read().decode()))


if __name__ == "__main__":
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ShortenerHandler)
    server.next_id = 1000
    server.links = {}
    serving = threading.Thread(target=server.serve_forever)
    serving.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    results = []
    clients = [threading.Thread(target=client, args=(base, f"user{u}", results)) for u in range(6)]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    server.shutdown()
    serving.join()
    server.server_close()
    wrong = sum(1 for target, got in results if target != got)
    print("links created:", len(server.links), "of 30; wrong redirects:", wrong,
          "; clicks:", sum(CLICKS.values()))
