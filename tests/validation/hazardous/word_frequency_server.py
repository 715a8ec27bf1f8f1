# validation: A small HTTP service that counts word frequencies across documents POSTed by many clients.
# source: written blind from a description
import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Module-level tallies shared by every request-handling thread.
word_counts: dict[str, int] = {}
documents_seen = 0


def tokenize(text: str) -> list[str]:
    return [w.strip(".,;:!?").lower() for w in text.split() if w.strip(".,;:!?")]


def record_document(text: str) -> int:
    global documents_seen
    words = tokenize(text)
    for word in words:
        word_counts[word] = word_counts.get(word, 0) + 1  # RACE[a]: lost update: two handler threads read the same old count and both write count+1
    documents_seen += 1  # RACE[b]: lost update on the module-level document counter (read-add-store from many handler threads)
    return len(words)


class CountHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode("utf-8")
        n = record_document(body)
        payload = json.dumps({"words": n}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        top = sorted(word_counts.items(), key=lambda kv: -kv[1])[:5]
        payload = json.dumps({"top": top, "docs": documents_seen}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, fmt, *args) -> None:  # keep the demo quiet
        pass


def post(url: str, text: str) -> None:
    req = urllib.request.Request(url, data=text.encode(), method="POST")
    with urllib.request.urlopen(req, timeout=5) as resp:
        resp.read()


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), CountHandler)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    serve_thread = threading.Thread(target=server.serve_forever, daemon=True)
    serve_thread.start()
    texts = ["the cat sat on the mat", "the dog ate the cat food", "a mat for the dog"]
    clients = [threading.Thread(target=lambda t=t: [post(url, t) for _ in range(5)]) for t in texts * 2]
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
