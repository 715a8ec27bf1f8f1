# validation: An asyncio ad-serving backend resolves client IPs to countries in loop.run_in_executor workers, loading the IP-prefix table lazily on the first lookup.
# source: written blind from a description (holdout batch, 2026-12-05)
import asyncio
import ipaddress
import time
from concurrent.futures import ThreadPoolExecutor

_PREFIXES = []
_loaded = False

RAW_TABLE = [
    ("10.0.0.0/8", "ZZ"), ("81.2.69.0/24", "GB"), ("89.160.20.0/24", "SE"),
    ("175.16.199.0/24", "CN"), ("216.160.83.0/24", "US"), ("2.125.160.0/24", "GB"),
    ("67.43.156.0/24", "BT"), ("202.196.224.0/24", "PH"), ("149.101.100.0/24", "US"),
]


def _read_table():
    rows = []
    for cidr, country in RAW_TABLE:
        time.sleep(0.0005)  # parsing a large file in real life
        rows.append((ipaddress.ip_network(cidr), country))
    return rows


def _ensure_loaded():
    global _loaded
    if not _loaded:  # RACE[a]: a second worker sees the flag set while the first is still filling the table
        _loaded = True  # RACE[a]: the flag is published before the prefixes are loaded
        _PREFIXES.extend(_read_table())  # RACE[a]: the table is filled only after other threads were told it is ready


def country_for(ip):
    _ensure_loaded()
    addr = ipaddress.ip_address(ip)
    for network, country in _PREFIXES:  # RACE[a]: lookups scan a partly filled table and answer "unknown"
        if addr in network:
            return country
    return "??"


def pick_campaign(ip):
    country = country_for(ip)
    return ip, country, f"campaign-{country.lower()}"


async def serve(ips):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=6) as pool:
        tasks = [loop.run_in_executor(pool, pick_campaign, ip) for ip in ips]
        return await asyncio.gather(*tasks)


def main():
    ips = ["81.2.69.160", "89.160.20.112", "216.160.83.56", "175.16.199.3",
           "2.125.160.216", "67.43.156.1", "202.196.224.9", "149.101.100.4"] * 2
    results = asyncio.run(serve(ips))
    unknown = [ip for ip, country, _ in results if country == "??"]
    for ip, country, campaign in results[:8]:
        print(f"{ip:<16} {country} {campaign}")
    print(f"{len(unknown)} of {len(results)} lookups fell back to unknown")


if __name__ == "__main__":
    main()
