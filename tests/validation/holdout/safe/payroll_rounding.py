# validation: A payroll job converts gross salaries into net pay for employees in several countries on a ThreadPoolExecutor, each country needing its own decimal precision and rounding rule.
# source: written blind from a description (holdout batch, 2026-12-05)
# safe: each task builds its settings with decimal.localcontext(), which is per thread, from a template passed in with functools.partial that is never modified
import decimal
import functools
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

NET_FACTOR = {
    "NL": Decimal("0.6312749"),
    "DE": Decimal("0.5987013"),
    "JP": Decimal("0.7791402"),
    "CH": Decimal("0.7234991"),
}
MINOR_UNITS = {"NL": 2, "DE": 2, "JP": 0, "CH": 2}
ROUNDING = {"NL": decimal.ROUND_HALF_EVEN, "DE": decimal.ROUND_HALF_UP, "JP": decimal.ROUND_DOWN, "CH": decimal.ROUND_HALF_UP}


def net_pay(entry, template):
    employee, country, gross = entry
    with decimal.localcontext(template) as ctx:
        ctx.rounding = ROUNDING[country]
        ctx.prec = 12 if country == "JP" else 18
        net = ctx.multiply(Decimal(gross), NET_FACTOR[country])
        quantum = Decimal(1).scaleb(-MINOR_UNITS[country])
        return entry, net.quantize(quantum, context=ctx)


def make_payroll():
    countries = list(NET_FACTOR)
    return [
        (f"emp-{n:04d}", countries[n % len(countries)], f"{3000 + n * 41}.{n % 100:02d}5")
        for n in range(200)
    ]


def main():
    template = decimal.Context(prec=28, traps=[decimal.InvalidOperation])
    work = functools.partial(net_pay, template=template)
    payroll = make_payroll()
    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(work, entry) for entry in payroll]
        paid = [f.result() for f in futures]
    mismatches = 0
    for (employee, country, gross), value in paid:
        ref = decimal.Context(prec=12 if country == "JP" else 18, rounding=ROUNDING[country])
        expected = ref.multiply(Decimal(gross), NET_FACTOR[country])
        expected = expected.quantize(Decimal(1).scaleb(-MINOR_UNITS[country]), context=ref)
        mismatches += value != expected
    print(f"paid {len(paid)} employees, {mismatches} differ from a per-employee context")
    print("template untouched:", template.prec, template.rounding)


if __name__ == "__main__":
    main()
