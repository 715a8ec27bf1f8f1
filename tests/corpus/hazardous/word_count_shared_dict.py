# hazard: read-modify-write of a dict item (word counts merged from several threads)
import re
import sys
import threading

WORD = re.compile(r"[a-z']+")
counts = {}


def count_file(path):
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            for word in WORD.findall(line.lower()):
                counts[word] = counts.get(word, 0) + 1


def main(paths):
    threads = [threading.Thread(target=count_file, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for word, n in sorted(counts.items(), key=lambda kv: -kv[1])[:20]:
        print(f"{n:8d} {word}")


if __name__ == "__main__":
    main(sys.argv[1:])
