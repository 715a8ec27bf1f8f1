"""Word counts: each thread counts its own line, the results are merged afterwards."""
from collections import Counter
from concurrent.futures import ThreadPoolExecutor


def count_words(line):
    return Counter(line.split())


with ThreadPoolExecutor(max_workers=4) as pool:
    counts = sum(pool.map(count_words, ["a b a", "b c", "a c c"]), Counter())
