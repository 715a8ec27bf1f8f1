# validation: An employee-handbook crawler that follows internal links of a fake in-memory intranet, fetching pages on a ThreadPoolExecutor and recording which pages it has already seen.
# source: written blind from a description (holdout batch, 2026-12-05)
# safe: the seen-set check and insert, the fetch counter and the size map are all updated inside one lock held by the closure; the main thread only reads results after the pool is shut down
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait, FIRST_COMPLETED

INTRANET = {
    "/": ["/benefits", "/policies", "/it"],
    "/benefits": ["/policies", "/benefits/pension"],
    "/benefits/pension": ["/benefits", "/"],
    "/policies": ["/policies/travel", "/policies/remote", "/it"],
    "/policies/travel": ["/policies", "/benefits"],
    "/policies/remote": ["/it", "/policies"],
    "/it": ["/it/vpn", "/"],
    "/it/vpn": ["/it", "/policies/remote"],
}


def fetch(path):
    time.sleep(0.002)
    return "<html>" + " ".join(f'<a href="{p}">' for p in INTRANET.get(path, [])) + "</html>"


def extract_links(body):
    return [part.split('"', 1)[0] for part in body.split('href="')[1:]]


def crawl(start, workers=4):
    seen = set()
    fetched = 0
    sizes = {}
    state_lock = threading.Lock()

    def claim(path):
        with state_lock:
            if path in seen:
                return False
            seen.add(path)
            return True

    def visit(path):
        nonlocal fetched
        body = fetch(path)
        with state_lock:
            fetched += 1
            sizes[path] = len(body)
        return extract_links(body)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        claim(start)
        pending = {pool.submit(visit, start)}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                for link in fut.result():
                    if claim(link):
                        pending.add(pool.submit(visit, link))
    return fetched, sizes


def main():
    fetched, sizes = crawl("/")
    print(f"fetched {fetched} pages, {len(sizes)} distinct")
    for path in sorted(sizes):
        print(f"  {path:<20} {sizes[path]:>4} bytes")


if __name__ == "__main__":
    main()
