# validation: Reduced copy of CPython's linecache after its thread-safety fixes, used by threads that format tracebacks while source files change.
# source: CPython bpo-25872 "linecache.checkcache() KeyError on race" (PR #12061 / GH-18007), gh-126775 "linecache.checkcache() is not threadsafe or GC finalizer re-entrancy safe" (PR #126776), gh-133253 "Race in linecache under free-threading" (PR #133305)
# safe: every cache access is one atomic dict operation (get, pop with default, copy, item store) and each reader works on the entry tuple it fetched, so concurrent deletions cannot raise.
"""getlines/checkcache/updatecache follow Lib/linecache.py in CPython's main branch after
gh-126775 and gh-133253, with the lazycache and sys.path search branches removed."""
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
    entry = cache.get(filename, None)
    if entry is not None and len(entry) != 1:
        return entry[2]
    try:
        return updatecache(filename, module_globals)
    except MemoryError:
        cache.clear()
        return []


def checkcache(filename=None):
    """Discard cache entries that are out of date."""
    if filename is None:
        # get keys atomically
        filenames = cache.copy().keys()
    else:
        filenames = [filename]
    for filename in filenames:
        entry = cache.get(filename, None)
        if entry is None or len(entry) == 1:
            continue
        size, mtime, lines, fullname = entry
        if mtime is None:
            continue
        try:
            stat = os.stat(fullname)
        except (OSError, ValueError):
            cache.pop(filename, None)
            continue
        if size != stat.st_size or mtime != stat.st_mtime:
            cache.pop(filename, None)


def updatecache(filename, module_globals=None):
    """Update a cache entry and return its list of lines."""
    cache.pop(filename, None)
    if not filename or (filename.startswith('<') and filename.endswith('>')):
        return []
    fullname = filename
    try:
        stat = os.stat(fullname)
    except (OSError, ValueError):
        return []
    try:
        with tokenize.open(fullname) as fp:
            lines = fp.readlines()
    except (OSError, UnicodeDecodeError, SyntaxError):
        return []
    if not lines:
        lines = ['\n']
    elif not lines[-1].endswith('\n'):
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
