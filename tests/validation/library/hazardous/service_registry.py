# validation: A service-locator registry module where components register factories and other components resolve shared service instances, possibly from many threads.
# source: written blind from a description
# mode: library
"""Tiny service locator.

    register("db", make_db_pool)
    pool = resolve("db")   # created on first use, then shared
"""
from typing import Any, Callable

__all__ = ["register", "resolve", "registered", "reset"]

_factories: dict[str, Callable[[], Any]] = {}
_instances: dict[str, Any] = {}


class DuplicateService(Exception):
    pass


def register(name: str, factory: Callable[[], Any]) -> None:
    if name in _factories:  # RACE[a]: check-then-act: two components registering the same name both pass the duplicate check
        raise DuplicateService(name)
    _factories[name] = factory  # RACE[a]: the later registration silently replaces the earlier one


def resolve(name: str) -> Any:
    instance = _instances.get(name)
    if instance is None:  # RACE[b]: two first callers both find no instance
        instance = _factories[name]()  # RACE[b]: the factory runs twice; two "shared" instances exist
        _instances[name] = instance  # RACE[b]: the first instance is overwritten and leaked while a caller still uses it
    return instance


def registered() -> list[str]:
    return [name for name in _factories]  # RACE[c]: iterates the live dict while register() inserts (dictionary changed size during iteration)


def reset() -> None:
    for name, instance in _instances.items():  # RACE[d]: iterates instances while resolve() may be adding one
        close = getattr(instance, "close", None)
        if close is not None:
            close()
    _instances.clear()


if __name__ == "__main__":
    register("clock", lambda: object())
    print(registered(), resolve("clock") is resolve("clock"))
    reset()
