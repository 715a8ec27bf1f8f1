# validation: A multi-tenant feed fetcher whose worker threads point urllib at each tenant's outbound proxy by setting HTTPS_PROXY in os.environ around every fetch and restoring it afterwards.
# source: written blind from a description (holdout batch, 2026-12-05)
import contextlib
import os
import threading
import time
import urllib.request

TENANTS = {
    "acme": "http://proxy-acme.internal:3128",
    "globex": "http://proxy-globex.internal:3128",
    "initech": "http://proxy-initech.internal:8080",
    "umbrella": "http://proxy-umbrella.internal:3128",
}


@contextlib.contextmanager
def tenant_proxy(proxy_url):
    previous = os.environ.get("HTTPS_PROXY")  # RACE[a]: may save another tenant's proxy as "previous"
    os.environ["HTTPS_PROXY"] = proxy_url  # RACE[a]: process-wide setting changed from a worker thread, seen by every other tenant
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("HTTPS_PROXY", None)  # RACE[a]: removes the proxy another tenant's fetch is still relying on
        else:
            os.environ["HTTPS_PROXY"] = previous  # RACE[a]: restores a stale value over a concurrent tenant's setting


def fetch_feed(url):
    proxies = urllib.request.getproxies()  # RACE[a]: reads whatever proxy the last thread put into the environment
    time.sleep(0.0003)  # stands in for opening the connection through the proxy
    return proxies.get("https", "direct")


def run_tenant(tenant, proxy_url, feeds, log):
    for feed in feeds:
        with tenant_proxy(proxy_url):
            used = fetch_feed(feed)
        log.append((tenant, feed, used == proxy_url))


def main():
    saved = os.environ.pop("HTTPS_PROXY", None)
    os.environ.pop("https_proxy", None)
    log = []
    workers = []
    for tenant, proxy in TENANTS.items():
        feeds = [f"https://{tenant}.example/feed/{n}.xml" for n in range(40)]
        workers.append(threading.Thread(target=run_tenant, args=(tenant, proxy, feeds, log)))
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    if saved is not None:
        os.environ["HTTPS_PROXY"] = saved
    wrong = [entry for entry in log if not entry[2]]
    print(f"{len(log)} fetches, {len(wrong)} went through another tenant's proxy")
    print("environment after run:", os.environ.get("HTTPS_PROXY"))


if __name__ == "__main__":
    main()
