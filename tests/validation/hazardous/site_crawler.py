# validation: A breadth-first crawler over a fake in-memory site graph with several worker threads sharing a frontier and a visited set.
# source: written blind from a description
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

FAKE_SITE = {
    "/": ["/about", "/blog", "/shop"],
    "/about": ["/", "/team"],
    "/blog": ["/blog/1", "/blog/2", "/"],
    "/blog/1": ["/blog/2", "/shop"],
    "/blog/2": ["/blog/1", "/team"],
    "/shop": ["/shop/cart", "/"],
    "/shop/cart": ["/shop"],
    "/team": ["/about"],
}


@dataclass
class CrawlState:
    frontier: list[str] = field(default_factory=lambda: ["/"])
    visited: set[str] = field(default_factory=set)
    fetched: list[str] = field(default_factory=list)


def fetch(path: str) -> list[str]:
    time.sleep(0.002)  # pretend network latency
    return FAKE_SITE.get(path, [])


def crawl_worker(state: CrawlState, idle_limit: int = 20) -> None:
    idle = 0
    while idle < idle_limit:
        if state.frontier:  # RACE[b]: check-then-act: another worker can empty the frontier between this check and pop()
            path = state.frontier.pop()  # RACE[b]: pop() on a list another worker just emptied raises IndexError
        else:
            idle += 1
            time.sleep(0.001)
            continue
        idle = 0
        if path in state.visited:  # RACE[a]: check-then-act on the visited set; two workers can both see the page as new
            continue
        state.visited.add(path)  # RACE[a]: the add comes too late, so the same page is fetched twice
        state.fetched.append(path)
        for link in fetch(path):
            if link not in state.visited:
                state.frontier.append(link)


def main() -> None:
    state = CrawlState()
    workers = [threading.Thread(target=crawl_worker, args=(state,), name=f"crawler-{i}") for i in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    duplicates = len(state.fetched) - len(set(state.fetched))
    print(f"fetched {len(state.fetched)} pages, {duplicates} duplicate fetches")


if __name__ == "__main__":
    main()
