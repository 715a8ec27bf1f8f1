# hazard: read-modify-write of a module global (byte total updated from a thread pool)
import logging
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed

log = logging.getLogger(__name__)

total_bytes = 0
failed = 0


def fetch(url, timeout=10):
    global total_bytes, failed
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            data = resp.read()
    except OSError as exc:
        log.warning("download of %s failed: %s", url, exc)
        failed = failed + 1
        return None
    total_bytes += len(data)
    return data


def download_all(urls, workers=8):
    results = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(fetch, url): url for url in urls}
        for fut in as_completed(futures):
            results[futures[fut]] = fut.result()
    log.info("downloaded %d bytes, %d failures", total_bytes, failed)
    return results
