# validation: A treasury settlement job converts trade amounts between currencies on a ThreadPoolExecutor, each worker setting precision and rounding on one decimal.Context passed in with functools.partial.
# source: written blind from a description (holdout batch, 2026-12-05)
import decimal
import functools
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

RATES = {
    ("EUR", "USD"): Decimal("1.0843217"),
    ("USD", "JPY"): Decimal("151.338"),
    ("GBP", "CHF"): Decimal("1.1279915"),
    ("EUR", "JPY"): Decimal("164.097301"),
}

# JPY has no minor unit; the other currencies settle to the cent.
MINOR_UNITS = {"USD": 2, "JPY": 0, "CHF": 2}
BANKERS = {"USD": decimal.ROUND_HALF_EVEN, "JPY": decimal.ROUND_DOWN, "CHF": decimal.ROUND_HALF_UP}


def settle(trade, ctx):
    src, dst, amount = trade
    ctx.rounding = BANKERS[dst]  # RACE[a]: another worker changes the shared context's rounding before this trade uses it
    ctx.prec = 12 if dst == "JPY" else 18  # RACE[a]: precision set for one currency is used by a trade in another
    converted = ctx.multiply(Decimal(amount), RATES[(src, dst)])  # RACE[a]: multiplies under whatever settings the last worker stored
    quantum = Decimal(1).scaleb(-MINOR_UNITS[dst])
    return trade, converted.quantize(quantum, context=ctx)  # RACE[a]: quantizes with another currency's rounding mode


def make_trades():
    trades = []
    for n in range(200):
        pair = list(RATES)[n % len(RATES)]
        trades.append((pair[0], pair[1], f"{1000 + n * 37}.{n % 100:02d}5"))
    return trades


def main():
    shared_ctx = decimal.Context()
    work = functools.partial(settle, ctx=shared_ctx)
    trades = make_trades()
    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(work, trade) for trade in trades]
        settled = [f.result() for f in futures]
    mismatches = 0
    for trade, value in settled:
        src, dst, amount = trade
        ref_ctx = decimal.Context(prec=12 if dst == "JPY" else 18, rounding=BANKERS[dst])
        expected = ref_ctx.multiply(Decimal(amount), RATES[(src, dst)])
        expected = expected.quantize(Decimal(1).scaleb(-MINOR_UNITS[dst]), context=ref_ctx)
        mismatches += value != expected
    print(f"settled {len(settled)} trades, {mismatches} differ from a per-trade context")
    print("sample:", settled[0][1], settled[1][1], settled[2][1])


if __name__ == "__main__":
    main()
