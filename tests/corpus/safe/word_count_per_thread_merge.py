# Each thread counts into its own Counter; the main thread merges them after join().
import re
import sys
import threading
from collections import Counter

WORD = re.compile(r"[a-z']+")


def count_file(path, into):
    counts = Counter()
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            for word in WORD.findall(line.lower()):
                counts[word] += 1
    into.append(counts)


def main(paths):
    partials = []
    threads = [threading.Thread(target=count_file, args=(p, partials)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = sum(partials, Counter())
    for word, n in total.most_common(20):
        print(f"{n:8d} {word}")


if __name__ == "__main__":
    main(sys.argv[1:])
