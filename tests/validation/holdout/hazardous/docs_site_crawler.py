# validation: A documentation-site crawler that follows internal links of a fake in-memory wiki, fetching pages on a ThreadPoolExecutor and recording which pages it has already seen.
# source: written blind from a description (holdout batch, 2026-12-05)
import time
from concurrent.futures import ThreadPoolExecutor, wait, FIRST_COMPLETED

WIKI = {
    "/": ["/install", "/guide", "/api"],
    "/install": ["/guide", "/faq"],
    "/guide": ["/api", "/guide/advanced", "/faq"],
    "/guide/advanced": ["/api", "/"],
    "/api": ["/api/client", "/api/server"],
    "/api/client": ["/api", "/faq"],
    "/api/server": ["/api", "/guide/advanced"],
    "/faq": ["/", "/install"],
}


def fetch(path):
    time.sleep(0.002)
    body = "<html>" + " ".join(f'<a href="{p}">' for p in WIKI.get(path, [])) + "</html>"
    return body


def extract_links(body):
    links = []
    for part in body.split('href="')[1:]:
        links.append(part.split('"', 1)[0])
    return links


def crawl(start, workers=4):
    seen = set()
    fetched = 0
    sizes = {}

    def visit(path):
        nonlocal fetched
        if path in seen:  # RACE[a]: two workers can both find the page unseen
            return []
        seen.add(path)  # RACE[a]: ...and both mark it and fetch it again
        body = fetch(path)
        fetched += 1  # RACE[b]: unsynchronised read-modify-write of the fetch counter from every worker
        sizes[path] = len(body)
        return extract_links(body)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending = {pool.submit(visit, start)}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                for link in fut.result():
                    if link not in seen:
                        pending.add(pool.submit(visit, link))
    return fetched, sizes


def main():
    fetched, sizes = crawl("/")
    print(f"fetched {fetched} pages, {len(sizes)} distinct")
    for path in sorted(sizes):
        print(f"  {path:<18} {sizes[path]:>4} bytes")


if __name__ == "__main__":
    main()
