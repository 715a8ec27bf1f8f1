# validation: An invoicing job computes line totals with a shared decimal.Context whose rounding mode each worker adjusts for its customer's jurisdiction.
# source: written blind from a description
import decimal
import threading
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

# One context object shared by all workers "to avoid re-creating it".
MONEY = decimal.Context(prec=28, rounding=ROUND_HALF_EVEN)
CENT = Decimal("0.01")

JURISDICTION_ROUNDING = {"DE": ROUND_HALF_UP, "US": ROUND_HALF_EVEN, "JP": ROUND_DOWN}


def invoice_total(country: str, lines: list[tuple[str, int]]) -> Decimal:
    MONEY.rounding = JURISDICTION_ROUNDING[country]  # RACE[a]: mutates a context shared by every worker thread
    total = Decimal(0)
    for price, qty in lines:
        line = MONEY.multiply(Decimal(price), Decimal(qty))
        total = MONEY.add(total, line.quantize(CENT, context=MONEY))  # RACE[a]: rounds with whatever mode another worker just installed
    return total


def worker(country: str, invoices: list, out: list) -> None:
    for lines in invoices:
        out.append((country, invoice_total(country, lines)))


def main() -> None:
    invoices = [[("0.125", 3), ("1.005", 7), ("2.675", 1)] for _ in range(300)]
    out: list[tuple[str, Decimal]] = []
    threads = [threading.Thread(target=worker, args=(c, invoices, out)) for c in ("DE", "US", "JP")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    per_country: dict[str, set] = {}
    for country, total in out:
        per_country.setdefault(country, set()).add(total)
    print({c: sorted(map(str, totals)) for c, totals in per_country.items()})


if __name__ == "__main__":
    main()
