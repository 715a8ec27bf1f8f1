# validation: A receipt generator computes totals for several jurisdictions on worker threads, each with its own decimal rounding mode.
# source: written blind from a description
# safe: each calculation runs inside decimal.localcontext(), which copies the calling thread's own context; no decimal.Context object is shared between threads.
import decimal
import threading
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
JURISDICTION_ROUNDING = {"DE": ROUND_HALF_UP, "US": ROUND_HALF_EVEN, "JP": ROUND_DOWN}


def receipt_total(country: str, lines: list[tuple[str, int]]) -> Decimal:
    with decimal.localcontext() as ctx:
        ctx.prec = 28
        ctx.rounding = JURISDICTION_ROUNDING[country]
        total = Decimal(0)
        for price, qty in lines:
            total += (Decimal(price) * qty).quantize(CENT)
        return total


def worker(country: str, receipts: list, out: list) -> None:
    totals = [receipt_total(country, lines) for lines in receipts]
    out.append((country, sorted(set(totals))))


def main() -> None:
    receipts = [[("0.125", 3), ("1.005", 7), ("2.675", 1)] for _ in range(300)]
    out: list[tuple[str, list[Decimal]]] = []
    threads = [threading.Thread(target=worker, args=(c, receipts, out)) for c in ("DE", "US", "JP")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print({country: [str(t) for t in totals] for country, totals in sorted(out)})


if __name__ == "__main__":
    main()
