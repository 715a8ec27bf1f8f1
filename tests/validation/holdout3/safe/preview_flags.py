# validation: A storefront's request handlers read feature flags from a shared client, and preview requests see a flag switched on for their own rendering only.
# source: written blind from a description
# safe: the client is built once at import; flag definitions are an immutable mapping and previews evaluate against a per-request copy, never the shared one
import functools
import threading
import time
from types import MappingProxyType


class FlagClient:
    def __init__(self):
        time.sleep(0.002)  # fetches flag definitions from the flag service
        self.flags = MappingProxyType({"new_checkout": False, "holiday_banner": True, "reviews_v2": False})

    def enabled(self, name, overrides=None):
        if overrides and name in overrides:
            return overrides[name]
        return self.flags.get(name, False)

    def with_override(self, name, value):
        view = dict(self.flags)
        view[name] = value
        return view


CLIENT = FlagClient()


def render_page(path, preview_flag=None):
    if preview_flag:
        overrides = CLIENT.with_override(preview_flag, True)
        return path, CLIENT.enabled(preview_flag, overrides)
    return path, CLIENT.enabled("new_checkout")


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
    leaked = sum(1 for path, on in results if on) - 200
    print("normal requests that saw the preview flag:", leaked)
