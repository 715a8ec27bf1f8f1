# validation: A line-based TCP server (socketserver.ThreadingMixIn) that renders greeting templates compiled before the server starts accepting connections.
# source: written blind from a description
# safe: the template table is filled completely in the main thread before serve_forever starts; handler threads only read it.
import socket
import socketserver
import string
import threading

TEMPLATE_SOURCES = {
    "hello": "Hello, $name!",
    "bye": "Goodbye, $name. See you soon.",
    "welcome": "Welcome back, $name. You have $count new messages.",
}


def compile_templates() -> dict[str, string.Template]:
    return {name: string.Template(src) for name, src in TEMPLATE_SOURCES.items()}


class GreetingHandler(socketserver.StreamRequestHandler):
    templates: dict[str, string.Template] = {}

    def handle(self) -> None:
        for raw in self.rfile:
            template, _, user = raw.decode().strip().partition(" ")
            tpl = self.templates.get(template)
            reply = tpl.safe_substitute(name=user, count="3") if tpl else "ERROR unknown template"
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
    GreetingHandler.templates = compile_templates()
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
    print(f"{len(replies)} replies, {sum(r.startswith('ERROR') for r in replies)} errors")


if __name__ == "__main__":
    main()
