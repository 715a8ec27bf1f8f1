# validation: An asyncio account-statement service that renders each customer's statement in asyncio.to_thread, pointing the TZ environment variable at the customer's timezone around the date formatting.
# source: written blind from a description
import asyncio
import os
import time

CUSTOMERS = {
    "acme-gmbh": "Europe/Berlin",
    "kiwi-ltd": "Pacific/Auckland",
    "maple-inc": "America/Toronto",
    "sakura-kk": "Asia/Tokyo",
    "lagos-plc": "Africa/Lagos",
    "andes-sa": "America/Lima",
}
STATS = {"lines": 0}


def render_statement(customer, tz_name, transactions):
    saved = os.environ.get("TZ")  # RACE[a]: may save another customer's zone as the original one
    os.environ["TZ"] = tz_name  # RACE[a]: the environment is process-wide: this changes the zone of statements rendered in other threads
    time.tzset()  # RACE[a]: re-reads TZ for the whole process
    try:
        lines = [f"Statement for {customer} ({tz_name})"]
        for ts, amount in transactions:
            stamp = time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(ts))  # RACE[a]: formats with whichever zone another thread set last
            lines.append(f"{stamp}  {amount:>10.2f}")
        STATS["lines"] += len(lines)  # RACE[b]: lost update of the shared line counter
        return "\n".join(lines)
    finally:
        if saved is None:
            os.environ.pop("TZ", None)  # RACE[a]: removes the zone under threads that are still formatting
        else:
            os.environ["TZ"] = saved  # RACE[a]: restores out of order, leaving a customer's zone as the process default
        time.tzset()  # RACE[a]: re-reads TZ for the whole process


async def main():
    base = 1_700_000_000
    transactions = [(base + i * 3_600 * 7, (-1) ** i * (12.5 + i)) for i in range(8)]
    jobs = [asyncio.to_thread(render_statement, name, tz, transactions)
            for name, tz in CUSTOMERS.items()]
    statements = await asyncio.gather(*jobs)
    for text in statements:
        header, first, *_ = text.splitlines()
        print(header, "|", first)
    print("lines rendered:", STATS["lines"])


if __name__ == "__main__":
    asyncio.run(main())
