# validation: A metrics shipper keeps one HTTP client per destination host, created on demand by tasks submitted with ThreadPool.apply_async and functools.partial.
# source: written blind from a description
import functools
import itertools
import time
from multiprocessing.pool import ThreadPool

_client_ids = itertools.count(1)


class HostClient:
    open_clients: list[int] = []

    def __init__(self, host: str) -> None:
        time.sleep(0.001)  # TLS handshake
        self.host = host
        self.id = next(_client_ids)
        HostClient.open_clients.append(self.id)
        self.sent = 0

    def send(self, payload: bytes) -> int:
        self.sent += 1  # RACE[b]: several tasks for the same host share this client; increments are lost
        return len(payload)

    def close(self) -> None:
        HostClient.open_clients.remove(self.id)


class ClientRegistry:
    def __init__(self) -> None:
        self._clients: dict[str, HostClient] = {}

    def client_for(self, host: str) -> HostClient:
        if host not in self._clients:  # RACE[a]: check-then-create: several tasks see no client for the host
            self._clients[host] = HostClient(host)  # RACE[a]: extra clients are created and overwritten; they are never closed (connection leak)
        return self._clients[host]

    def close_all(self) -> None:
        for client in self._clients.values():
            client.close()


def ship(registry: ClientRegistry, host: str, batch: list[str]) -> int:
    client = registry.client_for(host)
    return sum(client.send(line.encode()) for line in batch)


def main() -> None:
    registry = ClientRegistry()
    hosts = ["metrics-a.internal", "metrics-b.internal", "metrics-c.internal"]
    with ThreadPool(processes=8) as pool:
        pending = []
        for i in range(48):
            task = functools.partial(ship, registry, hosts[i % 3])
            pending.append(pool.apply_async(task, ([f"cpu={i} mem={i * 2}"] * 10,)))
        shipped = sum(p.get(timeout=5) for p in pending)
    registry.close_all()
    print(f"shipped {shipped} bytes; clients still open after close_all: {len(HostClient.open_clients)}")


if __name__ == "__main__":
    main()
