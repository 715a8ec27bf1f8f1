# validation: A storefront's request handlers read feature flags from a lazily created client singleton, and preview requests temporarily override a flag for the duration of their own rendering.
# source: written blind from a description
import functools
import threading
import time
from contextlib import contextmanager


class FlagClient:
    _instance = None
    loads = 0

    def __init__(self):
        time.sleep(0.002)  # fetches flag definitions from the flag service
        self.flags = {"new_checkout": False, "holiday_banner": True, "reviews_v2": False}

    @classmethod
    def instance(cls):
        if cls._instance is None:  # RACE[a]: first requests all see no client...
            cls.loads += 1  # RACE[b]: class attribute lost update
            cls._instance = cls()  # RACE[a]: ...and each builds one; overrides applied to a loser vanish
        return cls._instance

    def enabled(self, name):
        return self.flags.get(name, False)

    @contextmanager
    def override(self, name, value):
        previous = self.flags[name]  # RACE[c]: saves a value another preview may have overridden
        self.flags[name] = value  # RACE[c]: override is visible to every request, not just this one
        try:
            yield
        finally:
            self.flags[name] = previous  # RACE[c]: restore clobbers a concurrent override


def render_page(path, preview_flag=None):
    client = FlagClient.instance()
    if preview_flag:
        with client.override(preview_flag, True):
            return path, client.enabled(preview_flag)
    return path, client.enabled("new_checkout")


def serve(requests, results):
    for req in requests:
        results.append(req())


if __name__ == "__main__":
    results = []
    normal = [functools.partial(render_page, "/cart") for _ in range(200)]
    preview = [functools.partial(render_page, "/cart", preview_flag="new_checkout") for _ in range(200)]
    threads = [threading.Thread(target=serve, args=(batch, results)) for batch in (normal, preview, normal)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    leaked = sum(1 for path, on in results[:] if on) - 200
    print("clients built:", FlagClient.loads, "normal requests that saw the preview flag:", leaked)
