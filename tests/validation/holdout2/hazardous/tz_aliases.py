# validation: A timezone-alias resolver library for a calendar service that parses its alias table lazily on the first lookup and is called from the service's request threads.
# source: written blind from a description
# mode: library
import io

_ALIAS_TABLE = """
# alias,canonical zone
EST,America/New_York
EDT,America/New_York
CST,America/Chicago
PST,America/Los_Angeles
PDT,America/Los_Angeles
GMT,Europe/London
BST,Europe/London
CET,Europe/Berlin
CEST,Europe/Berlin
IST,Asia/Kolkata
JST,Asia/Tokyo
AEST,Australia/Sydney
Berlin,Europe/Berlin
Mumbai,Asia/Kolkata
Tokyo,Asia/Tokyo
"""

_aliases = {}
_loaded = False
_lookups = 0


def _load():
    global _loaded
    _loaded = True  # RACE[a]: announces the table as loaded before a single alias is in it
    for line in io.StringIO(_ALIAS_TABLE):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        alias, zone = line.split(",")
        _aliases[alias.lower()] = zone  # RACE[a]: the table is filled after the flag, while other threads already read it


def resolve(name):
    """Return the canonical zone name for an alias such as 'PST' or 'Tokyo'."""
    global _lookups
    _lookups += 1  # RACE[b]: lost update of the module-level lookup counter
    if not _loaded:  # RACE[a]: a second caller sees the flag already set and skips loading
        _load()
    zone = _aliases.get(name.strip().lower())  # RACE[a]: reads a half-filled table and reports a known alias as unknown
    if zone is None:
        raise KeyError(f"unknown timezone alias: {name!r}")
    return zone


def lookup_count():
    return _lookups


if __name__ == "__main__":
    for alias in ("PST", "cest", "Tokyo", " IST "):
        print(alias.strip(), "->", resolve(alias))
    try:
        resolve("XYZ")
    except KeyError as exc:
        print("rejected:", exc)
    print("lookups:", lookup_count())
