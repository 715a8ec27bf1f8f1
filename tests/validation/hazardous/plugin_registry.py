# validation: An export service whose plugin registry is a metaclass-based singleton, first touched from executor threads of an asyncio loop.
# source: written blind from a description
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor


class SingletonMeta(type):
    _instances: dict[type, object] = {}

    def __call__(cls, *args, **kwargs):
        if cls not in cls._instances:  # RACE[a]: check-then-act: several executor threads see no instance yet
            cls._instances[cls] = super().__call__(*args, **kwargs)  # RACE[a]: __init__ runs more than once and callers end up with different registries
        return cls._instances[cls]


class PluginRegistry(metaclass=SingletonMeta):
    """Discovers exporter plugins once and hands them out by format name."""

    def __init__(self) -> None:
        self.scan_started = time.monotonic()
        self.exporters: dict[str, type] = {}
        self._discover()

    def _discover(self) -> None:
        time.sleep(0.003)  # walking entry points is slow
        for fmt in ("csv", "json", "xml"):
            self.exporters[fmt] = type(f"{fmt.upper()}Exporter", (), {"fmt": fmt})

    def exporter_for(self, fmt: str) -> type:
        return self.exporters[fmt]


def export_report(report_id: int, fmt: str) -> tuple[int, int]:
    registry = PluginRegistry()
    exporter = registry.exporter_for(fmt)
    return report_id, id(registry) if exporter.fmt == fmt else -1


async def main() -> None:
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=6) as pool:
        jobs = [loop.run_in_executor(pool, export_report, i, ("csv", "json", "xml")[i % 3]) for i in range(30)]
        results = await asyncio.gather(*jobs)
    registries = {reg for _, reg in results}
    print(f"{len(results)} exports used {len(registries)} registry object(s)")


if __name__ == "__main__":
    asyncio.run(main())
