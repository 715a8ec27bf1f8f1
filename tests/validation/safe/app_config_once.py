# validation: An asyncio backend that offloads blocking work to threads; each piece of work reads application settings loaded once on first use.
# source: written blind from a description
# safe: lazy initialisation uses double-checked locking: the settings object is fully built before it is published to the global, and only the lock holder builds it.
import asyncio
import json
import os
import tempfile
import threading
import time

CONFIG_PATH = os.path.join(tempfile.mkdtemp(), "config.json")
_config: "AppConfig | None" = None
_config_lock = threading.Lock()
_loads: list[float] = []


class AppConfig:
    def __init__(self, values: dict) -> None:
        self.values = values

    @classmethod
    def load(cls, path: str) -> "AppConfig":
        _loads.append(time.monotonic())
        time.sleep(0.002)
        with open(path, encoding="utf-8") as fh:
            return cls(json.load(fh))


def get_config() -> AppConfig:
    global _config
    config = _config
    if config is None:
        with _config_lock:
            if _config is None:
                _config = AppConfig.load(CONFIG_PATH)
            config = _config
    return config


def shipping_cost(weight_kg: float) -> float:
    return round(weight_kg * get_config().values["per_kg"], 2)


async def main() -> None:
    with open(CONFIG_PATH, "w", encoding="utf-8") as fh:
        json.dump({"per_kg": 4.5}, fh)
    costs = await asyncio.gather(*(asyncio.to_thread(shipping_cost, w / 10) for w in range(1, 40)))
    print(f"{len(costs)} costs, config loaded {len(_loads)} time(s)")


if __name__ == "__main__":
    asyncio.run(main())
