# validation: Reduced copy of quantarhei's Singleton metaclass after the fix, used for the package-wide Manager that worker threads obtain on first use.
# source: quantarhei (tmancal74/quantarhei) PR #307 "#221 fix: add threading.Lock to Singleton metaclass" (fixes issue #221)
# safe: the membership check and the construction of the instance run under one lock, so __init__ runs exactly once and every caller receives the same Manager.
"""Singleton is quantarhei/core/singleton.py after PR #307; Manager is a stand-in for
quantarhei's main Manager class (units and configuration registry)."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor


class Singleton(type):
    """Base type of singletons, such as the main Quantarhei class Manager.

    Usage:
        class MyClass(BaseClass, metaclass=Singleton)
    """

    _instances: dict[type, "Singleton"] = {}
    _lock = threading.Lock()

    def __call__(cls, *args, **kwargs):
        with cls._lock:
            if cls not in cls._instances:
                cls._instances[cls] = super().__call__(*args, **kwargs)
        return cls._instances[cls]


class Manager(metaclass=Singleton):
    """Holds the current energy units and the configuration of the package."""

    def __init__(self) -> None:
        time.sleep(0.002)  # reads configuration files
        self.units = {"energy": "1/fs"}
        self.config = {"precision": "double"}

    def set_current_units(self, kind: str, unit: str) -> None:
        self.units[kind] = unit

    def convert_energy(self, value: float) -> float:
        return value * (1.0 if self.units["energy"] == "1/fs" else 0.000123984)


def simulate(job: int) -> tuple[int, float]:
    manager = Manager()
    return id(manager), manager.convert_energy(float(job))


if __name__ == "__main__":
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(simulate, range(16)))
    print(f"{len({mid for mid, _ in results})} Manager object(s) seen by workers")
