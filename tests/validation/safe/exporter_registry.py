# validation: An export service whose exporter registry is a metaclass-based singleton first touched from executor threads of an asyncio loop.
# source: written blind from a description
# safe: the metaclass checks and creates the instance while holding a lock, so __init__ runs exactly once and every caller gets the same object.
import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor


class LockedSingleton(type):
    _instances: dict[type, object] = {}
    _lock = threading.Lock()

    def __call__(cls, *args, **kwargs):
        with LockedSingleton._lock:
            if cls not in cls._instances:
                cls._instances[cls] = super().__call__(*args, **kwargs)
            return cls._instances[cls]


class ExporterRegistry(metaclass=LockedSingleton):
    def __init__(self) -> None:
        time.sleep(0.003)  # entry-point discovery
        self.exporters = {fmt: type(f"{fmt.upper()}Exporter", (), {"fmt": fmt}) for fmt in ("csv", "json", "xml")}

    def exporter_for(self, fmt: str) -> type:
        return self.exporters[fmt]


def export_report(report_id: int, fmt: str) -> int:
    registry = ExporterRegistry()
    assert registry.exporter_for(fmt).fmt == fmt
    return id(registry)


async def main() -> None:
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = await asyncio.gather(
            *(loop.run_in_executor(pool, export_report, i, ("csv", "json", "xml")[i % 3]) for i in range(30))
        )
    print(f"{len(ids)} exports used {len(set(ids))} registry object(s)")


if __name__ == "__main__":
    asyncio.run(main())
