# validation: Reduced copy of importlib.util.LazyLoader/_LazyModule after the fix: a per-module lock serialises the load and the class is reset only once the module is fully loaded.
# source: CPython gh-114763 "Accessing attributes of a lazily-loaded module is not thread-safe", fixed by PR #114781 "Protect lazy loading modules from attribute access race" (3.12.3, 3.13)
# safe: only the first thread to take the module's RLock executes it, other threads wait on that lock, and __class__ is switched back to the real module type after exec_module() has finished.
"""The two classes below are Lib/importlib/util.py's _LazyModule and LazyLoader as of
Python 3.13.0, unchanged apart from trimming the factory/validation helpers."""
import importlib.util
from importlib.abc import Loader
import os
import sys
import tempfile
import threading
import types


class _LazyModule(types.ModuleType):
    """A subclass of the module type which triggers loading upon attribute access."""

    def __getattribute__(self, attr):
        """Trigger the load of the module and return the attribute."""
        __spec__ = object.__getattribute__(self, '__spec__')
        loader_state = __spec__.loader_state
        with loader_state['lock']:
            # Only the first thread to get the lock should trigger the load
            # and reset the module's class. The rest can now getattr().
            if object.__getattribute__(self, '__class__') is _LazyModule:
                __class__ = loader_state['__class__']
                # Reentrant calls from the same thread must be allowed to proceed
                # without triggering the load again.
                if loader_state['is_loading']:
                    return __class__.__getattribute__(self, attr)
                loader_state['is_loading'] = True

                __dict__ = __class__.__getattribute__(self, '__dict__')
                original_name = __spec__.name
                attrs_then = loader_state['__dict__']
                attrs_now = __dict__
                attrs_updated = {}
                for key, value in attrs_now.items():
                    if key not in attrs_then:
                        attrs_updated[key] = value
                    elif id(attrs_now[key]) != id(attrs_then[key]):
                        attrs_updated[key] = value
                __spec__.loader.exec_module(self)
                if original_name in sys.modules:
                    if id(self) != id(sys.modules[original_name]):
                        raise ValueError(f"module object for {original_name!r} "
                                         "substituted in sys.modules during a lazy load")
                __dict__.update(attrs_updated)
                # Finally, stop triggering this method.
                if isinstance(self, _LazyModule):
                    object.__setattr__(self, '__class__', __class__)

        return getattr(self, attr)

    def __delattr__(self, attr):
        self.__getattribute__(attr)
        delattr(self, attr)


class LazyLoader(Loader):
    """A loader that creates a module which defers loading until attribute access."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        """Make the module load lazily."""
        module.__spec__.loader = self.loader
        module.__loader__ = self.loader
        loader_state = {}
        loader_state['__dict__'] = module.__dict__.copy()
        loader_state['__class__'] = module.__class__
        loader_state['lock'] = threading.RLock()
        loader_state['is_loading'] = False
        module.__spec__.loader_state = loader_state
        module.__class__ = _LazyModule


def lazy_import(name: str, path: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    loader = LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


if __name__ == "__main__":
    src = os.path.join(tempfile.mkdtemp(), "report_settings.py")
    with open(src, "w", encoding="utf-8") as fh:
        fh.write("import time\ntime.sleep(0.01)  # heavy import-time work\nPAGE_SIZE = 50\nTIMEOUT = 30\n")
    settings = lazy_import("report_settings", src)
    errors: list[str] = []

    def worker() -> None:
        try:
            assert settings.PAGE_SIZE == 50
        except AttributeError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"{len(errors)} of 10 threads saw a half-loaded module")
