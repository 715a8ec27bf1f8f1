# validation: A nightly report builder where each worker thread changes into its customer's output directory before writing files with relative paths.
# source: written blind from a description
import os
import shutil
import tempfile
import threading


def write_report(base_dir: str, customer: str, rows: list[tuple[str, int]]) -> None:
    out_dir = os.path.join(base_dir, customer)
    os.makedirs(out_dir, exist_ok=True)
    previous = os.getcwd()  # RACE[a]: the "previous" directory may be another worker's directory
    os.chdir(out_dir)  # RACE[a]: the working directory is process-wide; this moves every thread, not just this one
    try:
        with open("summary.csv", "w", encoding="utf-8") as fh:  # RACE[a]: relative path resolved against whatever directory the last chdir chose
            fh.write("item,qty\n")
            for item, qty in rows:
                fh.write(f"{item},{qty}\n")
        with open("DONE", "w", encoding="utf-8") as fh:  # RACE[a]: marker may land in another customer's folder
            fh.write(customer)
    finally:
        os.chdir(previous)  # RACE[a]: restores a directory that another thread is relying on being different


def main() -> None:
    start_dir = os.getcwd()
    base = tempfile.mkdtemp(prefix="reports-")
    os.chdir(base)  # keep stray relative writes inside the scratch area
    customers = [f"cust{i:02d}" for i in range(12)]
    threads = [
        threading.Thread(target=write_report, args=(base, c, [("widget", i), ("gadget", i * 2)]))
        for i, c in enumerate(customers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    misplaced = 0
    for c in customers:
        marker = os.path.join(base, c, "DONE")
        if not os.path.exists(marker) or open(marker, encoding="utf-8").read() != c:
            misplaced += 1
    os.chdir(start_dir)
    shutil.rmtree(base)
    print(f"{misplaced} of {len(customers)} customer folders have a missing or foreign DONE marker")


if __name__ == "__main__":
    main()
