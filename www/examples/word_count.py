"""Word counts in a shared dict, filled by a thread pool."""
from concurrent.futures import ThreadPoolExecutor

counts = {}


def count_words(line):
    for word in line.split():
        # `d[k] = d.get(k, 0) + 1` reads and writes the item in two steps.
        counts[word] = counts.get(word, 0) + 1


with ThreadPoolExecutor(max_workers=4) as pool:
    pool.map(count_words, ["a b a", "b c", "a c c"])
