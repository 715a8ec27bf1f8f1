# validation: A GeoIP lookup module that lazily loads its prefix database on first use and is called from request threads.
# source: written blind from a description
# mode: library
"""Country lookup for IPv4 addresses; the database is parsed on first call."""
import ipaddress
import time

__all__ = ["country_for", "database_size"]

_loaded = False
_networks: list[tuple[ipaddress.IPv4Network, str]] = []

_RAW_DB = """\
10.0.0.0/8 ZZ
81.2.69.0/24 GB
175.16.199.0/24 CN
2.125.160.0/19 GB
89.160.20.0/24 SE
216.160.83.0/24 US
"""


def _load() -> None:
    global _loaded
    if _loaded:  # RACE[a]: the second caller sees the flag and uses a half-filled table
        return
    _loaded = True  # RACE[a]: flag set before the table below has been filled
    for line in _RAW_DB.splitlines():
        prefix, country = line.split()
        time.sleep(0)  # parsing a real database takes a while
        _networks.append((ipaddress.ip_network(prefix), country))  # RACE[a]: the table is still being filled while other threads already search it


def country_for(address: str) -> str | None:
    _load()
    ip = ipaddress.ip_address(address)
    for network, country in _networks:  # RACE[a]: searches a table that may be incomplete, returning None for a known address
        if ip in network:
            return country
    return None


def database_size() -> int:
    _load()
    return len(_networks)


if __name__ == "__main__":
    print(country_for("81.2.69.160"), country_for("192.0.2.1"), database_size())
