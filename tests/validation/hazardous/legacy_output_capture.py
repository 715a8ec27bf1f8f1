# validation: A service wraps a legacy library that prints its results, capturing the printed text per request with contextlib.redirect_stdout on worker threads.
# source: written blind from a description
import contextlib
import io
import threading
import time


def legacy_compute_quote(sku: str, qty: int) -> None:
    """Old code: prints instead of returning."""
    print(f"QUOTE {sku} x{qty}")
    time.sleep(0.0005)
    print(f"TOTAL {qty * 3.5:.2f}")


def quote_as_text(sku: str, qty: int) -> str:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):  # RACE[a]: redirect_stdout swaps the process-wide sys.stdout; concurrent requests capture each other's prints
        legacy_compute_quote(sku, qty)  # RACE[a]: prints go to whichever buffer was installed last, and the restore can leave sys.stdout pointing at a dead buffer
    return buffer.getvalue()


def handle(requests: list[tuple[str, int]], results: dict) -> None:
    for sku, qty in requests:
        results[(sku, qty)] = quote_as_text(sku, qty)


def main() -> None:
    results: dict[tuple[str, int], str] = {}
    batches = [[(f"SKU{b}", q) for q in range(1, 30)] for b in range(4)]
    threads = [threading.Thread(target=handle, args=(batch, results)) for batch in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wrong = sum(1 for (sku, qty), text in results.items() if f"QUOTE {sku} x{qty}\n" not in text)
    print(f"{wrong} of {len(results)} captured quotes are missing their own output", file=__import__("sys").__stdout__)


if __name__ == "__main__":
    main()
