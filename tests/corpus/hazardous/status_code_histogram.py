# hazard: read-modify-write of a dict item (status histogram in a defaultdict, updated by pool tasks)
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
import urllib.error
import urllib.request

status_counts = defaultdict(int)


def ping(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            code = resp.status
    except urllib.error.HTTPError as err:
        code = err.code
    except OSError:
        code = 0
    status_counts[code] += 1
    return code


def sweep(urls):
    with ThreadPoolExecutor(max_workers=10) as ex:
        for url in urls:
            ex.submit(ping, url)
    return dict(status_counts)
