# validation: An asyncio abuse-detection backend maps client IPs to network operators (ASNs) in loop.run_in_executor workers, loading the prefix table lazily on the first lookup.
# source: written blind from a description (holdout batch, 2026-12-05)
# safe: the table is loaded completely inside a module lock and only then published as an immutable tuple; every caller takes the lock before checking, so nobody sees a partial table
import asyncio
import ipaddress
import threading
import time
from concurrent.futures import ThreadPoolExecutor

_prefixes = None
_load_lock = threading.Lock()

RAW_TABLE = [
    ("81.2.69.0/24", "AS20712"), ("89.160.20.0/24", "AS29518"), ("216.160.83.0/24", "AS209"),
    ("175.16.199.0/24", "AS4837"), ("2.125.160.0/24", "AS5089"), ("67.43.156.0/24", "AS35908"),
    ("202.196.224.0/24", "AS9299"), ("149.101.100.0/24", "AS6167"),
]


def _read_table():
    rows = []
    for cidr, asn in RAW_TABLE:
        time.sleep(0.0005)  # parsing a large file in real life
        rows.append((ipaddress.ip_network(cidr), asn))
    return tuple(rows)


def _table():
    global _prefixes
    with _load_lock:
        if _prefixes is None:
            _prefixes = _read_table()
        return _prefixes


def asn_for(ip):
    addr = ipaddress.ip_address(ip)
    for network, asn in _table():
        if addr in network:
            return asn
    return "AS0"


def score_client(ip):
    asn = asn_for(ip)
    return ip, asn, 0.9 if asn == "AS0" else 0.1


async def serve(ips):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=6) as pool:
        tasks = [loop.run_in_executor(pool, score_client, ip) for ip in ips]
        return await asyncio.gather(*tasks)


def main():
    ips = ["81.2.69.160", "89.160.20.112", "216.160.83.56", "175.16.199.3",
           "2.125.160.216", "67.43.156.1", "202.196.224.9", "149.101.100.4"] * 2
    results = asyncio.run(serve(ips))
    unknown = [ip for ip, asn, _ in results if asn == "AS0"]
    for ip, asn, risk in results[:8]:
        print(f"{ip:<16} {asn:<8} risk={risk}")
    print(f"{len(unknown)} of {len(results)} lookups fell back to unknown")


if __name__ == "__main__":
    main()
