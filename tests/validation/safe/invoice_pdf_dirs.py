# validation: A nightly invoice exporter where each worker thread writes its customer's files into that customer's directory.
# source: written blind from a description
# safe: no thread changes the process-wide working directory; every worker builds absolute paths from its own arguments and writes only inside its own folder.
import os
import shutil
import tempfile
import threading
from pathlib import Path


def export_invoices(base_dir: Path, customer: str, rows: list[tuple[str, int]]) -> None:
    out_dir = base_dir / customer
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = out_dir / "summary.csv"
    with summary.open("w", encoding="utf-8") as fh:
        fh.write("item,qty\n")
        for item, qty in rows:
            fh.write(f"{item},{qty}\n")
    (out_dir / "DONE").write_text(customer, encoding="utf-8")


def main() -> None:
    start_dir = os.getcwd()
    base = Path(tempfile.mkdtemp(prefix="invoices-"))
    customers = [f"cust{i:02d}" for i in range(12)]
    threads = [
        threading.Thread(target=export_invoices, args=(base, c, [("widget", i), ("gadget", i * 2)]))
        for i, c in enumerate(customers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    misplaced = sum((base / c / "DONE").read_text(encoding="utf-8") != c for c in customers)
    assert os.getcwd() == start_dir
    shutil.rmtree(base)
    print(f"{misplaced} misplaced markers across {len(customers)} customers")


if __name__ == "__main__":
    main()
