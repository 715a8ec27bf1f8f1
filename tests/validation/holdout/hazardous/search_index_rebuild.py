# validation: A product-search index rebuilder streams catalogue documents from one database-cursor generator that several tokenising threads pull from, and builds a shared in-memory inverted index.
# source: written blind from a description (holdout batch, 2026-12-05)
import re
import threading
import time

CATALOGUE = [
    "red wool scarf", "blue denim jacket", "red leather boots", "green wool hat",
    "black leather jacket", "blue running shoes", "white cotton shirt", "red cotton dress",
    "grey wool coat", "black running shorts", "blue wool socks", "green leather wallet",
]


def fetch_documents(batch_size=4):
    """Pages through the products table like a server-side cursor."""
    for offset in range(0, len(CATALOGUE) * 10, batch_size):
        time.sleep(0.0002)
        for doc_id in range(offset, offset + batch_size):
            yield doc_id, CATALOGUE[doc_id % len(CATALOGUE)]


class InvertedIndex:
    def __init__(self):
        self.postings = {}

    def add(self, doc_id, text):
        for token in re.findall(r"[a-z]+", text.lower()):
            self.postings[token] = self.postings.get(token, []) + [doc_id]  # RACE[b]: two threads extending one token's list lose each other's ids


def tokenise_worker(cursor, index, counts, errors):
    taken = 0
    while True:
        try:
            doc_id, text = next(cursor)  # RACE[a]: several threads resume the same generator; one gets "generator already executing"
        except StopIteration:
            break
        except ValueError:
            errors.append(threading.current_thread().name)
            time.sleep(0.0001)
            continue
        index.add(doc_id, text)
        taken += 1
    counts.append(taken)


def main():
    cursor = fetch_documents()  # RACE[a]: one generator object handed to every tokenising thread
    index = InvertedIndex()
    counts, errors = [], []
    threads = [
        threading.Thread(target=tokenise_worker, args=(cursor, index, counts, errors), name=f"tok-{n}")
        for n in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    indexed = {d for ids in index.postings.values() for d in ids}
    print(f"documents pulled: {sum(counts)}, distinct ids indexed: {len(indexed)}")
    print(f"generator collisions: {len(errors)}")
    print("postings for 'wool':", len(index.postings.get("wool", [])))


if __name__ == "__main__":
    main()
