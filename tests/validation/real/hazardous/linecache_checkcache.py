# validation: Reduced copy of CPython's linecache (as in Python 3.6) used by threads that format tracebacks while source files change: cache entries are checked, then read or deleted, in separate steps.
# source: CPython bpo-25872 "linecache.checkcache() KeyError on race" (PR #12061 / GH-18007), gh-126775 "linecache.checkcache() is not threadsafe or GC finalizer re-entrancy safe" (PR #126776), gh-133253 "Race in linecache under free-threading" (PR #133305)
"""getlines/checkcache/updatecache are Lib/linecache.py from Python 3.6 with the lazycache and
sys.path search branches removed; the driver mimics threads rendering tracebacks."""
import os
import tempfile
import threading
import tokenize

# The cache. Maps filenames to (size, mtime, lines, fullname).
cache = {}


def getline(filename, lineno, module_globals=None):
    lines = getlines(filename, module_globals)
    if 1 <= lineno <= len(lines):
        return lines[lineno - 1]
    return ''


def getlines(filename, module_globals=None):
    """Get the lines for a Python source file from the cache."""
    if filename in cache:  # RACE[a]: check-then-read: another thread's checkcache/updatecache can delete the entry right after this
        entry = cache[filename]  # RACE[a]: KeyError when the entry was deleted in between
        if len(entry) != 1:
            return cache[filename][2]  # RACE[a]: second lookup of the same key, another KeyError window
    try:
        return updatecache(filename, module_globals)
    except MemoryError:
        cache.clear()
        return []


def checkcache(filename=None):
    """Discard cache entries that are out of date."""
    if filename is None:
        filenames = list(cache.keys())
    else:
        if filename in cache:
            filenames = [filename]
        else:
            return
    for filename in filenames:
        entry = cache[filename]  # RACE[b]: the key list is a snapshot; another thread may have removed this entry since (KeyError)
        if len(entry) == 1:
            continue
        size, mtime, lines, fullname = entry
        if mtime is None:
            continue
        try:
            stat = os.stat(fullname)
        except OSError:
            del cache[filename]  # RACE[b]: two threads discarding the same stale entry: the second del raises KeyError
            continue
        if size != stat.st_size or mtime != stat.st_mtime:
            del cache[filename]  # RACE[b]: same double delete when both threads see the file changed


def updatecache(filename, module_globals=None):
    """Update a cache entry and return its list of lines."""
    if filename in cache:  # RACE[c]: time-of-check for the delete below
        if len(cache[filename]) != 1:  # RACE[c]: KeyError if another thread deleted the entry after the membership test
            del cache[filename]  # RACE[c]: KeyError when a concurrent updatecache/checkcache already deleted it
    if not filename or (filename.startswith('<') and filename.endswith('>')):
        return []
    fullname = filename
    try:
        stat = os.stat(fullname)
    except OSError:
        return []
    try:
        with tokenize.open(fullname) as fp:
            lines = fp.readlines()
    except OSError:
        return []
    if lines and not lines[-1].endswith('\n'):
        lines[-1] += '\n'
    size, mtime = stat.st_size, stat.st_mtime
    cache[filename] = size, mtime, lines, fullname
    return lines


def render_frames(paths, rounds, errors):
    """What traceback formatting does: refresh the cache, then read source lines."""
    for r in range(rounds):
        try:
            checkcache()
            for p in paths:
                getline(p, 1 + r % 2)
        except KeyError as exc:
            errors.append(exc)


def edit_sources(paths, rounds):
    for r in range(rounds):
        for p in paths:
            with open(p, "a", encoding="utf-8") as fh:
                fh.write(f"# edit {r}\n")


if __name__ == "__main__":
    workdir = tempfile.mkdtemp()
    paths = []
    for i in range(5):
        path = os.path.join(workdir, f"handler_{i}.py")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("import time\nraise RuntimeError('boom')\n")
        paths.append(path)
    errors = []
    threads = [threading.Thread(target=render_frames, args=(paths, 200, errors)) for _ in range(6)]
    threads.append(threading.Thread(target=edit_sources, args=(paths, 100)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"{len(errors)} KeyErrors while rendering tracebacks")
