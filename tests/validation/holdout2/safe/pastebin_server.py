# validation: A small pastebin HTTP service on ThreadingHTTPServer whose POST handler assigns paste ids from a counter kept on the server object and whose GET handler counts views per paste in a module dict.
# source: written blind from a description
# safe: the id counter, the paste table and the view counts are read and updated only while holding the lock stored on the server object
import http.server
import threading
import urllib.request

VIEWS = {}


class PasteHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        text = self.rfile.read(length).decode()
        with self.server.lock:
            paste_id = f"p{self.server.next_id:05d}"
            self.server.pastes[paste_id] = text
            self.server.next_id += 1
        self._reply(201, paste_id)

    def do_GET(self):
        paste_id = self.path.lstrip("/")
        with self.server.lock:
            text = self.server.pastes.get(paste_id)
            if text is not None:
                VIEWS[paste_id] = VIEWS.get(paste_id, 0) + 1
        if text is None:
            self._reply(404, "no such paste")
            return
        self._reply(200, text)

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
        snippet = f"# {user} snippet {i}\nprint({i} * {i})\n"
        req = urllib.request.Request(base + "/", data=snippet.encode(), method="POST")
        with urllib.request.urlopen(req) as resp:
            paste_id = resp.read().decode()
        with urllib.request.urlopen(f"{base}/{paste_id}") as resp:
            results.append((snippet, resp.read().decode()))


if __name__ == "__main__":
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PasteHandler)
    server.next_id = 1
    server.pastes = {}
    server.lock = threading.Lock()
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
    wrong = sum(1 for sent, got in results if sent != got)
    print("pastes stored:", len(server.pastes), "of 30; wrong reads:", wrong,
          "; views:", sum(VIEWS.values()))
