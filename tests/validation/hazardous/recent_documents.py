# validation: An editor's "recently opened" list kept in a bounded deque plus a dict, shared by the file-open threads and the menu refresher.
# source: written blind from a description
import threading
from collections import deque


class RecentDocuments:
    """Most-recently-used documents; writes take the lock, reads were left lock-free."""

    def __init__(self, limit: int = 10) -> None:
        self._lock = threading.Lock()
        self._order: deque[str] = deque()
        self._meta: dict[str, dict] = {}
        self.limit = limit

    def __setitem__(self, path: str, meta: dict) -> None:
        with self._lock:
            if path in self._meta:
                self._order.remove(path)  # RACE[a]: locked remove races the unlocked remove in __getitem__; ValueError when the reader removed it first
            self._order.append(path)
            self._meta[path] = meta
            while len(self._order) > self.limit:
                evicted = self._order.popleft()
                del self._meta[evicted]  # RACE[b]: eviction removes a key a lock-free reader has just checked

    def __getitem__(self, path: str) -> dict:
        meta = self._meta[path]  # RACE[b]: KeyError when __setitem__ evicts the path between the caller's check and this read
        self._order.remove(path)  # RACE[a]: unlocked reorder of the deque __setitem__ mutates under the lock; ValueError or a lost/duplicated entry
        self._order.append(path)  # RACE[a]: the path can end up in the deque twice, breaking the eviction bookkeeping
        return meta

    def __contains__(self, path: str) -> bool:
        return path in self._meta

    def menu(self) -> list[str]:
        with self._lock:
            return list(reversed(self._order))


def open_files(recent: RecentDocuments, paths: list[str], rounds: int) -> None:
    for r in range(rounds):
        for p in paths:
            recent[p] = {"round": r}


def touch_files(recent: RecentDocuments, paths: list[str], rounds: int, errors: list) -> None:
    for _ in range(rounds):
        for p in paths:
            if p in recent:  # RACE[b]: check on the caller side; the entry can be evicted before __getitem__ reads it
                try:
                    recent[p]
                except (KeyError, ValueError) as exc:
                    errors.append(type(exc).__name__)


def main() -> None:
    recent = RecentDocuments(limit=5)
    paths = [f"/home/ada/notes/{i}.md" for i in range(8)]
    errors: list[str] = []
    writers = [threading.Thread(target=open_files, args=(recent, paths, 300)) for _ in range(2)]
    readers = [threading.Thread(target=touch_files, args=(recent, paths, 300, errors)) for _ in range(2)]
    for t in writers + readers:
        t.start()
    for t in writers + readers:
        t.join()
    print("menu:", recent.menu(), "| errors:", len(errors))


if __name__ == "__main__":
    main()
