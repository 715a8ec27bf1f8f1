# validation: An asyncio document ingester that tokenises documents in threads (asyncio.to_thread) and builds a shared inverted index.
# source: written blind from a description
import asyncio
import re

WORD = re.compile(r"[a-z]+")


class InvertedIndex:
    def __init__(self) -> None:
        self.postings: dict[str, list[int]] = {}
        self.doc_count = 0

    def add_document(self, doc_id: int, text: str) -> None:
        for word in set(WORD.findall(text.lower())):
            if word not in self.postings:  # RACE[a]: check-then-act: two threads both find the word missing
                self.postings[word] = []  # RACE[a]: the second thread replaces the list the first one already appended to; postings are lost
            self.postings[word].append(doc_id)
        self.doc_count += 1  # RACE[b]: lost update on the document counter

    def search(self, word: str) -> list[int]:
        return sorted(self.postings.get(word, []))


CORPUS = [
    "the quick brown fox",
    "jumps over the lazy dog",
    "a quick movement of the enemy",
    "will jeopardize six gunboats",
    "all questions asked by five watch experts",
]


async def ingest(index: InvertedIndex, doc_id: int, text: str) -> None:
    await asyncio.to_thread(index.add_document, doc_id, text)


async def main() -> None:
    index = InvertedIndex()
    docs = [(i, CORPUS[i % len(CORPUS)] + f" doc{i % 13}") for i in range(500)]
    await asyncio.gather(*(ingest(index, i, text) for i, text in docs))
    print("docs indexed:", index.doc_count, "| 'the' appears in", len(index.search("the")), "docs (expected 300)")


if __name__ == "__main__":
    asyncio.run(main())
