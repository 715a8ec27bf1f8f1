# validation: Reduced copy of scientific-python lazy_loader.load() after the fix: the sys.modules lookup and the creation and registration of the lazy module happen under one module-level lock.
# source: scientific-python/lazy-loader PR #90 "Make lazy_load.load partially thread-safe" (issue #88 "Broken thread safety"), commit a33f3f9fe9cc753cf125592e0daf6ef624887fda
# safe: the check of sys.modules and the create-and-register step run under `threadlock`, so exactly one module object is created per name; later attribute access relies on importlib.util.LazyLoader, itself thread-safe since CPython 3.12.3/3.13 (gh-114763).
"""load() is lazy_loader/__init__.py at commit a33f3f9, with the `require=` version check and
the frame-inspection details of DelayedImportErrorModule trimmed."""
import importlib
import importlib.util
import os
import sys
import tempfile
import threading
import types

threadlock = threading.Lock()


class DelayedImportErrorModule(types.ModuleType):
    def __init__(self, name, message):
        super().__init__(name)
        self.__message = message

    def __getattr__(self, attr):
        raise ModuleNotFoundError(self.__message)


def load(fullname, *, error_on_import=False):
    """Return a lazily imported proxy for a module."""
    with threadlock:
        module = sys.modules.get(fullname)
        have_module = module is not None

        # Most common, short-circuit
        if have_module:
            return module

        spec = importlib.util.find_spec(fullname)
        if spec is None:
            message = f"No module named '{fullname}'"
            if error_on_import:
                raise ModuleNotFoundError(message)
            return DelayedImportErrorModule("DelayedImportErrorModule", message)

        module = importlib.util.module_from_spec(spec)
        sys.modules[fullname] = module

        loader = importlib.util.LazyLoader(spec.loader)
        loader.exec_module(module)

    return module


if __name__ == "__main__":
    plugin_dir = tempfile.mkdtemp()
    with open(os.path.join(plugin_dir, "spectral_tools.py"), "w", encoding="utf-8") as fh:
        fh.write("WINDOW = 'hann'\ndef bandwidth(n):\n    return n / 2\n")
    sys.path.insert(0, plugin_dir)
    barrier = threading.Barrier(8)
    modules, errors = [], []

    def analysis_worker():
        barrier.wait()
        mod = load("spectral_tools")
        modules.append(mod)
        try:
            mod.bandwidth(44100)
        except (ValueError, AttributeError) as exc:
            errors.append(exc)

    threads = [threading.Thread(target=analysis_worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"{len({id(m) for m in modules})} distinct module object(s), {len(errors)} failed attribute accesses")
