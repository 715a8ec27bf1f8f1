# validation: A CSV export library with module-level formatting options (delimiter, decimal mark, quoting) that callers override for a single export with a context manager, used by a reporting web app's request threads.
# source: written blind from a description
# mode: library
import contextlib
import io

OPTIONS = {"delimiter": ",", "decimal": ".", "quote_all": False}
_KNOWN = frozenset(OPTIONS)
_stats = {"rows_written": 0, "exports": 0}


@contextlib.contextmanager
def options(**overrides):
    """Temporarily change export options, e.g. options(delimiter=';', decimal=',')."""
    unknown = set(overrides) - _KNOWN
    if unknown:
        raise TypeError(f"unknown export options: {sorted(unknown)}")
    saved = dict(OPTIONS)  # RACE[a]: may save another request's temporary options as the defaults
    OPTIONS.update(overrides)  # RACE[a]: changes the options of every thread, not only this export
    try:
        yield
    finally:
        OPTIONS.clear()  # RACE[a]: other threads formatting now find no options at all (KeyError)
        OPTIONS.update(saved)  # RACE[a]: restores out of order and can leave one caller's overrides in place for everyone


def _cell(value):
    if isinstance(value, float):
        text = f"{value:.2f}".replace(".", OPTIONS["decimal"])  # RACE[a]: formats with whichever decimal mark another thread set
    else:
        text = str(value)
    if OPTIONS["quote_all"] or OPTIONS["delimiter"] in text:  # RACE[a]: quoting decision made from the shared, changing options
        text = '"' + text.replace('"', '""') + '"'
    return text


def export_rows(header, rows):
    """Render rows as CSV text using the current options."""
    out = io.StringIO()
    delimiter = OPTIONS["delimiter"]  # RACE[a]: may pick up another request's delimiter
    out.write(delimiter.join(header) + "\n")
    for row in rows:
        out.write(delimiter.join(_cell(v) for v in row) + "\n")
    _stats["rows_written"] += len(rows)  # RACE[b]: lost update of the shared row counter
    _stats["exports"] += 1  # RACE[c]: lost update of the shared export counter
    return out.getvalue()


def stats():
    return dict(_stats)


if __name__ == "__main__":
    header = ["sku", "description", "price"]
    rows = [["A-1", "Desk lamp", 24.5], ["B-7", "Chair, oak", 129.0]]
    print(export_rows(header, rows), end="")
    with options(delimiter=";", decimal=","):
        print(export_rows(header, rows), end="")
    print(stats())
