# A plain command-line script: globals, lazy init and counters, but no threads anywhere.
import argparse
import csv
import json

_config = None
rows_read = 0
totals = {}


def config(path="report.json"):
    global _config
    if _config is None:
        with open(path) as fh:
            _config = json.load(fh)
    return _config


def read(path):
    global rows_read
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            rows_read += 1
            totals[row["team"]] = totals.get(row["team"], 0) + float(row["hours"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("csv")
    args = parser.parse_args()
    read(args.csv)
    print(json.dumps({"rows": rows_read, "totals": totals, "title": config().get("title")}))


if __name__ == "__main__":
    main()
