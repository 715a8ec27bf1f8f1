# validation: An asyncio web backend that offloads blocking work to threads; each piece of work reads lazily loaded application settings.
# source: written blind from a description
import asyncio
import json
import os
import tempfile
import time

SETTINGS_PATH = os.path.join(tempfile.mkdtemp(), "settings.json")
_settings: "Settings | None" = None
_load_calls: list[float] = []


class Settings:
    def __init__(self, values: dict) -> None:
        self.values = values
        self.listeners: list = []

    @classmethod
    def load(cls, path: str) -> "Settings":
        _load_calls.append(time.monotonic())
        time.sleep(0.002)  # parsing + validation
        with open(path, encoding="utf-8") as fh:
            return cls(json.load(fh))


def get_settings() -> Settings:
    global _settings
    if _settings is None:  # RACE[a]: check-then-act lazy init: several worker threads see None at once
        _settings = Settings.load(SETTINGS_PATH)  # RACE[a]: settings loaded and published more than once; callers hold different objects
    return _settings


def price_with_tax(amount: float) -> float:
    settings = get_settings()
    return round(amount * (1 + settings.values["tax_rate"]), 2)


async def handle_checkout(amount: float) -> float:
    return await asyncio.to_thread(price_with_tax, amount)


async def main() -> None:
    with open(SETTINGS_PATH, "w", encoding="utf-8") as fh:
        json.dump({"tax_rate": 0.2, "currency": "EUR"}, fh)
    totals = await asyncio.gather(*(handle_checkout(a) for a in range(1, 40)))
    print(f"{len(totals)} totals computed, settings loaded {len(_load_calls)} time(s)")


if __name__ == "__main__":
    asyncio.run(main())
