# validation: A GeoIP lookup module that lazily loads its prefix database on first use and is called from request threads.
# source: written blind from a description
# mode: library
# safe: the table is built into a local list under a lock and published with one assignment only when complete; readers use whichever complete tuple they loaded.
import ipaddress
import threading

__all__ = ["country_for", "database_size"]

_lock = threading.Lock()
_networks: tuple[tuple[ipaddress.IPv4Network, str], ...] | None = None

_RAW_DB = """\
10.0.0.0/8 ZZ
81.2.69.0/24 GB
175.16.199.0/24 CN
2.125.160.0/19 GB
89.160.20.0/24 SE
216.160.83.0/24 US
"""


def _table() -> tuple[tuple[ipaddress.IPv4Network, str], ...]:
    global _networks
    table = _networks
    if table is None:
        with _lock:
            if _networks is None:
                parsed = []
                for line in _RAW_DB.splitlines():
                    prefix, country = line.split()
                    parsed.append((ipaddress.ip_network(prefix), country))
                _networks = tuple(parsed)
            table = _networks
    return table


def country_for(address: str) -> str | None:
    ip = ipaddress.ip_address(address)
    for network, country in _table():
        if ip in network:
            return country
    return None


def database_size() -> int:
    return len(_table())


if __name__ == "__main__":
    print(country_for("81.2.69.160"), country_for("192.0.2.1"), database_size())
