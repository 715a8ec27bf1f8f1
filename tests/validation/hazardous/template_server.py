# validation: A line-based TCP server (socketserver.ThreadingMixIn) that renders greeting templates loaded lazily on first use.
# source: written blind from a description
import socket
import socketserver
import string
import threading
import time

_templates: dict[str, string.Template] = {}
_initialized = False

TEMPLATE_SOURCES = {
    "hello": "Hello, $name!",
    "bye": "Goodbye, $name. See you soon.",
    "welcome": "Welcome back, $name. You have $count new messages.",
}


def _ensure_templates() -> None:
    global _initialized
    if _initialized:  # RACE[a]: a second thread sees the flag already set and skips loading
        return
    _initialized = True  # RACE[a]: flag published before the templates below are loaded
    for name, source in TEMPLATE_SOURCES.items():
        time.sleep(0.001)  # compiling / reading from disk
        _templates[name] = string.Template(source)  # RACE[a]: the work the flag claims is done is still in progress


def render(template_name: str, **values: str) -> str:
    _ensure_templates()
    return _templates[template_name].safe_substitute(values)  # RACE[a]: KeyError when the flag was seen but the template is not loaded yet


class GreetingHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        for raw in self.rfile:
            template, _, user = raw.decode().strip().partition(" ")
            try:
                reply = render(template, name=user, count="3")
            except KeyError:
                reply = "ERROR unknown template"
            self.wfile.write((reply + "\n").encode())


class GreetingServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def client(port: int, lines: list[str], replies: list[str]) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall("".join(line + "\n" for line in lines).encode())
        sock.shutdown(socket.SHUT_WR)
        replies.extend(sock.makefile().read().splitlines())


def main() -> None:
    with GreetingServer(("127.0.0.1", 0), GreetingHandler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_address[1]
        replies: list[str] = []
        clients = [threading.Thread(target=client, args=(port, ["welcome ada", "bye bob"], replies)) for _ in range(5)]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        server.shutdown()
    errors = sum(r.startswith("ERROR") for r in replies)
    print(f"{len(replies)} replies, {errors} errors")


if __name__ == "__main__":
    main()
