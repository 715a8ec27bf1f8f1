# Per-call locals: each task returns its size and the caller adds them up.
import logging
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed

log = logging.getLogger(__name__)


def fetch(url, timeout=10):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            data = resp.read()
    except OSError as exc:
        log.warning("download of %s failed: %s", url, exc)
        return url, None
    return url, data


def download_all(urls, workers=8):
    total_bytes = 0
    failed = 0
    results = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for fut in as_completed([pool.submit(fetch, u) for u in urls]):
            url, data = fut.result()
            results[url] = data
            if data is None:
                failed += 1
            else:
                total_bytes += len(data)
    log.info("downloaded %d bytes, %d failures", total_bytes, failed)
    return results
