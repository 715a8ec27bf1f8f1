# hazard: lazy initialisation of a module global without a lock (config loaded on first request)
import json
import os
import socketserver

_config = None


def load_config():
    global _config
    if _config is None:
        path = os.environ.get("APP_CONFIG", "config.json")
        with open(path) as fh:
            _config = json.load(fh)
    return _config


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        cfg = load_config()
        line = self.rfile.readline().strip().decode()
        self.wfile.write((cfg.get(line, "unknown") + "\n").encode())


if __name__ == "__main__":
    with socketserver.ThreadingTCPServer(("", 9000), Handler) as srv:
        srv.serve_forever()
