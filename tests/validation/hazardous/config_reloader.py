# validation: A service keeps its configuration in a module-level dict that a reload callback rebuilds in place while request threads read from it.
# source: written blind from a description
import threading
import time
from typing import Callable

CONFIG: dict[str, str] = {"db_url": "postgres://db/main", "cache_ttl": "30", "log_level": "INFO"}
_generation = 0


def load_config() -> dict[str, str]:
    time.sleep(0.0001)  # read + parse the file
    return {"db_url": "postgres://db/main", "cache_ttl": str(30 + _generation % 5), "log_level": "INFO"}


def reload_config() -> None:
    """Registered as the SIGHUP / file-watch callback."""
    global _generation
    _generation += 1
    fresh = load_config()
    CONFIG.clear()  # RACE[a]: readers see an empty dict between clear() and update()
    CONFIG.update(fresh)  # RACE[a]: the rebuild is two steps, not one atomic swap


def handle_request(n: int) -> str:
    return f"{CONFIG['db_url']} ttl={CONFIG['cache_ttl']} req={n}"  # RACE[a]: KeyError while the reloader has cleared the dict


def run_periodically(callback: Callable[[], None], times: int, interval: float) -> None:
    for _ in range(times):
        callback()
        time.sleep(interval)


def serve(callback: Callable[[int], str], n: int, failures: list) -> None:
    for i in range(n):
        try:
            callback(i)
        except KeyError as exc:
            failures.append(str(exc))


def main() -> None:
    failures: list[str] = []
    watcher = threading.Thread(target=run_periodically, args=(reload_config, 300, 0.0001))
    workers = [threading.Thread(target=serve, args=(handle_request, 5000, failures)) for _ in range(4)]
    watcher.start()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    watcher.join()
    print(f"{len(failures)} requests failed during reloads; final config {CONFIG}")


if __name__ == "__main__":
    main()
