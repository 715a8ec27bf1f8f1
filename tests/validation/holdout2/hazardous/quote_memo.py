# validation: A memoising decorator for a pricing SDK that caches option-quote computations in an OrderedDict with least-recently-used eviction and hit/miss counters, meant to wrap functions called from all of an application's threads.
# source: written blind from a description
# mode: library
import functools
import math
from collections import OrderedDict


def memoize(maxsize=128):
    """Cache results of a pure function of hashable positional arguments."""
    if maxsize < 1:
        raise ValueError("maxsize must be at least 1")

    def decorator(func):
        entries = OrderedDict()
        stats = {"hits": 0, "misses": 0}

        @functools.wraps(func)
        def wrapper(*args):
            key = args
            if key in entries:  # RACE[a]: another caller can evict this key right after the check
                entries.move_to_end(key)  # RACE[a]: KeyError when the key was evicted in between
                stats["hits"] += 1  # RACE[b]: read-modify-write of the shared hit counter loses increments
                return entries[key]  # RACE[a]: KeyError when the key was evicted in between
            stats["misses"] += 1  # RACE[c]: read-modify-write of the shared miss counter loses increments
            value = func(*args)
            entries[key] = value
            if len(entries) > maxsize:  # RACE[d]: two callers that each inserted one entry both see the cache over its limit
                entries.popitem(last=False)  # RACE[d]: both evict, dropping an extra entry or failing on an emptied cache
            return value

        def cache_info():
            return {"hits": stats["hits"], "misses": stats["misses"],
                    "size": len(entries), "maxsize": maxsize}

        wrapper.cache_info = cache_info
        return wrapper

    return decorator


def _norm_cdf(x):
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


@memoize(maxsize=256)
def call_price(spot, strike, rate, vol, years):
    """Black-Scholes price of a European call."""
    d1 = (math.log(spot / strike) + (rate + vol * vol / 2.0) * years) / (vol * math.sqrt(years))
    d2 = d1 - vol * math.sqrt(years)
    return spot * _norm_cdf(d1) - strike * math.exp(-rate * years) * _norm_cdf(d2)


if __name__ == "__main__":
    for strike in (90, 100, 110, 100, 90):
        print(strike, round(call_price(100.0, strike, 0.03, 0.2, 0.5), 4))
    print(call_price.cache_info())
