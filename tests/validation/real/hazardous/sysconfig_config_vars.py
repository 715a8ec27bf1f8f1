# validation: Reduced copy of CPython's sysconfig.get_config_vars() before the fix: the lazily built build-configuration dict is published before it is filled.
# source: CPython gh-92452 "sysconfig.get_config_var is not thread-safe", fixed by PR #92453 "Avoid race in initialization of sysconfig._CONFIG_VARS" (Python 3.12)
"""Reduced from Lib/sysconfig.py as shipped in Python 3.11: the initialisation logic is kept verbatim,
platform-specific branches are trimmed, and the Makefile parse is simulated with a sleep."""
import os
import sys
import time
from multiprocessing.pool import ThreadPool

_PREFIX = os.path.normpath(sys.prefix)
_EXEC_PREFIX = os.path.normpath(sys.exec_prefix)
_PY_VERSION_SHORT = f"{sys.version_info[0]}.{sys.version_info[1]}"
_PROJECT_BASE = os.path.dirname(os.path.abspath(sys.executable))
_CONFIG_VARS = None


def _init_posix(vars):
    """Initialize the module as appropriate for POSIX systems."""
    time.sleep(0.002)  # parsing the installed Makefile / _sysconfigdata module
    build_time_vars = {"CC": "gcc -pthread", "CFLAGS": "-O2 -Wall", "LDSHARED": "gcc -shared", "EXT_SUFFIX": ".so"}
    vars.update(build_time_vars)


def get_makefile_filename():
    return os.path.join(_PREFIX, "lib", f"python{_PY_VERSION_SHORT}", "config", "Makefile")


def get_config_vars(*args):
    """With no arguments, return a dictionary of all configuration variables;
    with arguments, return a list of the values of those variables."""
    global _CONFIG_VARS
    if _CONFIG_VARS is None:  # RACE[a]: a second thread sees the dict below as soon as it is assigned and skips initialisation
        _CONFIG_VARS = {}  # RACE[a]: the (still empty) dict is published to other threads before it is filled
        _CONFIG_VARS['prefix'] = _PREFIX
        _CONFIG_VARS['exec_prefix'] = _EXEC_PREFIX
        _CONFIG_VARS['py_version_short'] = _PY_VERSION_SHORT
        _CONFIG_VARS['projectbase'] = _PROJECT_BASE
        _CONFIG_VARS['platlibdir'] = sys.platlibdir
        if os.name == 'posix':
            _init_posix(_CONFIG_VARS)  # RACE[a]: slow initialisation runs while other threads already read the partial dict
        srcdir = _CONFIG_VARS.get('srcdir', _PROJECT_BASE)
        if os.name == 'posix':
            srcdir = os.path.dirname(get_makefile_filename())
        _CONFIG_VARS['srcdir'] = os.path.realpath(srcdir)  # RACE[a]: 'srcdir' appears only at the end; concurrent callers get None

    if args:
        vals = []
        for name in args:
            vals.append(_CONFIG_VARS.get(name))  # RACE[a]: reads from the half-initialised dict
        return vals
    else:
        return _CONFIG_VARS


def get_config_var(name):
    """Equivalent to get_config_vars().get(name)."""
    return get_config_vars().get(name)  # RACE[a]: returns None for variables not filled in yet


def thread(i):
    # The reproducer from the issue: many threads reading a config variable at once.
    return sysconfig_ok(get_config_var("srcdir"))


def sysconfig_ok(value):
    return value is not None


if __name__ == "__main__":
    with ThreadPool() as pool:
        results = pool.map(thread, range(100))
    print(f"{results.count(False)} of {len(results)} calls saw srcdir=None")
