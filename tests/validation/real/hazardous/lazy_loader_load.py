# validation: Reduced copy of scientific-python lazy_loader.load() before the fix: it looks a module up in sys.modules and, if missing, creates and registers a lazy module without any lock.
# source: scientific-python/lazy-loader PR #90 "Make lazy_load.load partially thread-safe" (issue #88 "Broken thread safety"), commit a33f3f9fe9cc753cf125592e0daf6ef624887fda
"""load() is lazy_loader/__init__.py before commit a33f3f9, with the `require=` version check and
the frame-inspection details of DelayedImportErrorModule trimmed."""
import importlib
import importlib.util
import os
import sys
import tempfile
import threading
import types


class DelayedImportErrorModule(types.ModuleType):
    def __init__(self, name, message):
        super().__init__(name)
        self.__message = message

    def __getattr__(self, attr):
        raise ModuleNotFoundError(self.__message)


def load(fullname, *, error_on_import=False):
    """Return a lazily imported proxy for a module."""
    module = sys.modules.get(fullname)  # RACE[a]: check: several threads find the module missing at the same time
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

    module = importlib.util.module_from_spec(spec)  # RACE[a]: each racing thread builds its own module object
    sys.modules[fullname] = module  # RACE[a]: act: the last writer wins; the other threads hold a module that is no longer in sys.modules

    loader = importlib.util.LazyLoader(spec.loader)
    loader.exec_module(module)  # RACE[a]: each racing thread gets its own module object, so the module body runs several times and module-level state is split (or LazyLoader raises "substituted in sys.modules")
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
