# validation: A memoising decorator with a bounded cache and hit/miss statistics, meant to wrap functions that many threads call concurrently.
# source: written blind from a description
# mode: library
"""Bounded memoisation.

    @memoize(maxsize=256)
    def price_for(sku): ...
"""
import functools
from typing import Any, Callable

__all__ = ["memoize"]


def _make_key(args: tuple, kwargs: dict) -> tuple:
    return args + tuple(sorted(kwargs.items()))


def memoize(maxsize: int = 128) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        cache: dict[tuple, Any] = {}
        stats = {"hits": 0, "misses": 0}

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            key = _make_key(args, kwargs)
            if key in cache:  # RACE[a]: check-then-read: the eviction below in another thread may remove the key first
                stats["hits"] += 1  # RACE[c]: lost update on the hit counter
                return cache[key]  # RACE[a]: KeyError when another caller evicted the key in between
            stats["misses"] += 1  # RACE[c]: lost update on the miss counter
            value = func(*args, **kwargs)
            cache[key] = value  # RACE[b]: an insert between another caller's iter(cache) and next() makes that next() raise RuntimeError
            if len(cache) > maxsize:  # RACE[b]: several callers see the cache over size at once
                del cache[next(iter(cache))]  # RACE[b]: they pick the same oldest key; the second del raises KeyError (or iter() sees the dict change)
            return value

        def cache_info() -> dict[str, int]:
            return {"size": len(cache), **stats}

        def cache_clear() -> None:
            cache.clear()
            stats["hits"] = stats["misses"] = 0  # RACE[c]: reset interleaves with concurrent increments

        wrapper.cache_info = cache_info
        wrapper.cache_clear = cache_clear
        return wrapper

    return decorator


if __name__ == "__main__":
    @memoize(maxsize=2)
    def square(x: int) -> int:
        return x * x

    print([square(i % 3) for i in range(6)], square.cache_info())
