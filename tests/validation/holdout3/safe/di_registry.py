# validation: A payments service resolves its singleton clients (HTTP pool, metrics sink) from a minject dependency-injection Registry on first use from its worker threads.
# source: duolingo/minject PR #26 "Synchronize registry methods for thread safety", commit 09b4bff2ed0c89a2751e121d369ebfdc2c069ee1 (code after the commit)
# safe: every registry method runs under one re-entrant lock, so the first resolution constructs and initialises the singleton before any other thread can look it up
import functools
import threading
import time
from typing import Dict, List, Optional


class RegistryMetadata:
    def __init__(self, cls, name=None, interfaces=None, deps=()):
        self._cls, self.name, self.interfaces, self._deps = cls, name, interfaces, deps

    def _new_object(self):
        return self._cls.__new__(self._cls)

    def _init_object(self, obj, registry):
        obj.__init__(*[registry[dep] for dep in self._deps])


def define(*deps):
    def wrap(cls):
        cls.__meta__ = RegistryMetadata(cls, deps=deps)
        return cls
    return wrap


class RegistryWrapper:
    def __init__(self, obj, meta=None):
        self.obj, self._meta = obj, meta


def _synchronized(func):
    @functools.wraps(func)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return func(self, *args, **kwargs)
    return wrapper


class Registry:
    """Tracks and manages registered object instances."""

    def __init__(self):
        self._objects: List[RegistryWrapper] = []
        self._by_meta: Dict[RegistryMetadata, RegistryWrapper] = {}
        self._by_name: Dict[str, RegistryWrapper] = {}
        self._by_iface: Dict[type, List[RegistryWrapper]] = {}
        self._lock = threading.RLock()

    @_synchronized
    def _set_by_metadata(self, meta, obj, _global: bool = True) -> RegistryWrapper:
        wrapper = RegistryWrapper(obj, meta)
        if _global:
            self._objects.append(wrapper)
        if meta.name:
            self._by_name[meta.name] = wrapper
        else:
            self._by_meta[meta] = wrapper
        return wrapper

    @_synchronized
    def _register_by_metadata(self, meta) -> RegistryWrapper:
        # allocate the object (but don't initialize yet)
        obj = meta._new_object()
        # add to the registry (done before init in case of circular reference)
        wrapper = self._set_by_metadata(meta, obj, _global=False)
        meta._init_object(obj, self)
        self._objects.append(wrapper)
        return wrapper

    @_synchronized
    def _get_by_metadata(self, meta) -> Optional[RegistryWrapper]:
        if meta.name:
            if meta.name in self._by_name:
                return self._by_name[meta.name]
        else:
            if meta in self._by_meta:
                return self._by_meta[meta]
        return self._register_by_metadata(meta)

    @_synchronized
    def __len__(self) -> int:
        return len(self._objects)

    def __getitem__(self, key):
        return self._get_by_metadata(key.__meta__).obj


@define()
class HttpPool:
    def __init__(self):
        time.sleep(0.001)  # opening sockets
        self.size = 8


@define(HttpPool)
class MetricsSink:
    def __init__(self, pool):
        self.pool, self.sent = pool, []


def handle_payments(registry, sinks, count):
    for n in range(count):
        sink = registry[MetricsSink]
        sinks[id(sink)] = sink
        sink.sent.append(("payment", n, sink.pool.size))


if __name__ == "__main__":
    registry, sinks = Registry(), {}
    workers = [threading.Thread(target=handle_payments, args=(registry, sinks, 50)) for _ in range(6)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    print("objects:", len(registry), "metrics sinks:", len(sinks))
