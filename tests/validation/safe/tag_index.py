# validation: An asyncio bookmark importer that extracts tags in threads (asyncio.to_thread) and appends bookmark ids to a shared tag index.
# source: written blind from a description
# safe: each posting list is created with one atomic dict.setdefault and extended with atomic list.append; nobody iterates the index until every import task has finished.
import asyncio
import re

TAG = re.compile(r"#(\w+)")


class TagIndex:
    def __init__(self) -> None:
        self.postings: dict[str, list[int]] = {}

    def add_bookmark(self, bookmark_id: int, text: str) -> int:
        tags = set(TAG.findall(text.lower()))
        for tag in tags:
            self.postings.setdefault(tag, []).append(bookmark_id)
        return len(tags)

    def lookup(self, tag: str) -> list[int]:
        return sorted(self.postings.get(tag, []))


BOOKMARKS = [
    "great talk on #python #concurrency",
    "#rust ownership explained",
    "free-threaded #python benchmarks",
    "#concurrency patterns in #go",
    "reading list #books",
]


async def main() -> None:
    index = TagIndex()
    items = [(i, BOOKMARKS[i % len(BOOKMARKS)]) for i in range(500)]
    counts = await asyncio.gather(*(asyncio.to_thread(index.add_bookmark, i, text) for i, text in items))
    print(f"{sum(counts)} tag assignments; #python has {len(index.lookup('python'))} bookmarks (expected 200)")


if __name__ == "__main__":
    asyncio.run(main())
