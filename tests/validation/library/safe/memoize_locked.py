# validation: A memoising decorator with a bounded cache and hit/miss statistics, meant to wrap functions that many threads call concurrently.
# source: written blind from a description
# mode: library
# safe: lookups, inserts, eviction and the statistics are done under one per-function lock; the wrapped function runs outside the lock and the first stored result wins.
import functools
import threading
from collections import OrderedDict
from typing import Any, Callable

__all__ = ["memoize"]


def memoize(maxsize: int = 128) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        cache: OrderedDict[tuple, Any] = OrderedDict()
        stats = {"hits": 0, "misses": 0}
        lock = threading.Lock()

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            key = args + tuple(sorted(kwargs.items()))
            with lock:
                if key in cache:
                    stats["hits"] += 1
                    cache.move_to_end(key)
                    return cache[key]
                stats["misses"] += 1
            value = func(*args, **kwargs)
            with lock:
                if key in cache:
                    return cache[key]
                cache[key] = value
                while len(cache) > maxsize:
                    cache.popitem(last=False)
                return value

        def cache_info() -> dict[str, int]:
            with lock:
                return {"size": len(cache), **stats}

        def cache_clear() -> None:
            with lock:
                cache.clear()
                stats["hits"] = stats["misses"] = 0

        wrapper.cache_info = cache_info
        wrapper.cache_clear = cache_clear
        return wrapper

    return decorator


if __name__ == "__main__":
    @memoize(maxsize=2)
    def square(x: int) -> int:
        return x * x

    print([square(i % 3) for i in range(6)], square.cache_info())
