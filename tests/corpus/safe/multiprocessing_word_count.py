# multiprocessing: each worker process has its own globals; results are merged in the parent.
import re
import sys
from collections import Counter
from multiprocessing import Pool

WORD = re.compile(r"[a-z']+")
files_seen = 0


def count_file(path):
    global files_seen
    files_seen += 1
    counts = Counter()
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            counts.update(WORD.findall(line.lower()))
    return counts


def main(paths):
    total = Counter()
    with Pool() as pool:
        for counts in pool.imap_unordered(count_file, paths):
            total.update(counts)
    for word, n in total.most_common(20):
        print(f"{n:8d} {word}")


if __name__ == "__main__":
    main(sys.argv[1:])
