# validation: A product-catalogue crawler for a price-comparison site that walks a fake in-memory shop with several Thread-subclass workers sharing a frontier list, a visited set and a title index, while the main thread prints progress before joining them.
# source: written blind from a description
import threading
import time


def build_shop(n_categories=6, per_category=12):
    pages = {"/": [f"/c/{c}" for c in range(n_categories)]}
    for c in range(n_categories):
        items = [f"/c/{c}/p/{p}" for p in range(per_category)]
        pages[f"/c/{c}"] = items + ["/"]
        for i, item in enumerate(items):
            pages[item] = [items[(i + 1) % per_category], f"/c/{(c + 1) % n_categories}"]
    return pages


SHOP = build_shop()


def fetch(url):
    time.sleep(0.0003)  # network latency stand-in
    return f"Title of {url}", SHOP[url]


class CrawlWorker(threading.Thread):
    def __init__(self, frontier, visited, titles):
        super().__init__()
        self.frontier = frontier
        self.visited = visited
        self.titles = titles
        self.fetched = 0

    def run(self):
        idle_rounds = 0
        while idle_rounds < 30:
            if self.frontier:  # RACE[a]: another worker can take the last URL right after this check
                url = self.frontier.pop()  # RACE[a]: IndexError on a list emptied in between
            else:
                idle_rounds += 1
                time.sleep(0.001)
                continue
            idle_rounds = 0
            if url in self.visited:  # RACE[b]: two workers both find the page unvisited
                continue
            self.visited.add(url)  # RACE[b]: both mark it and fetch it, so pages are fetched and counted twice
            title, links = fetch(url)
            self.fetched += 1
            self.titles[url] = title  # RACE[c]: inserts into the index the main thread is iterating
            for link in links:
                if link not in self.visited:
                    self.frontier.append(link)


if __name__ == "__main__":
    frontier, visited, titles = ["/"], set(), {}
    workers = [CrawlWorker(frontier, visited, titles) for _ in range(4)]
    for w in workers:
        w.start()
    while any(w.is_alive() for w in workers):
        product_pages = 0
        try:
            for url, title in titles.items():  # RACE[c]: "dictionary changed size during iteration" while workers insert
                if "/p/" in url:
                    product_pages += 1
        except RuntimeError:
            product_pages = -1
        print(f"progress: {product_pages} product pages indexed")
        time.sleep(0.01)
    for w in workers:
        w.join()
    fetched = sum(w.fetched for w in workers)
    print("pages in shop:", len(SHOP), "fetched:", fetched, "indexed:", len(titles))
