# validation: A small HTTP service that counts hashtags across posts submitted by many clients.
# source: written blind from a description
# safe: every read-modify-write of the shared tallies happens while holding one module-level lock, and reads take a snapshot under the same lock.
import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_tally_lock = threading.Lock()
tag_counts: dict[str, int] = {}
posts_seen = 0


def record_post(text: str) -> int:
    global posts_seen
    tags = [w[1:].lower() for w in text.split() if w.startswith("#") and len(w) > 1]
    with _tally_lock:
        for tag in tags:
            tag_counts[tag] = tag_counts.get(tag, 0) + 1
        posts_seen += 1
    return len(tags)


def snapshot() -> tuple[list[tuple[str, int]], int]:
    with _tally_lock:
        return sorted(tag_counts.items(), key=lambda kv: -kv[1])[:5], posts_seen


class TagHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        payload = json.dumps({"tags": record_post(body)}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        top, posts = snapshot()
        payload = json.dumps({"top": top, "posts": posts}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, fmt, *args) -> None:
        pass


def post(url: str, text: str) -> None:
    req = urllib.request.Request(url, data=text.encode(), method="POST")
    with urllib.request.urlopen(req, timeout=5) as resp:
        resp.read()


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), TagHandler)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    posts = ["loving #python and #threads", "#python #nogil is here", "coffee #mondays"]
    clients = [threading.Thread(target=lambda p=p: [post(url, p) for _ in range(5)]) for p in posts * 2]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    with urllib.request.urlopen(url, timeout=5) as resp:
        print(resp.read().decode())
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main()
