# hazard: process-global state changed from threads (warnings filters swapped inside pool tasks)
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime


def parse_timestamp(raw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return datetime.strptime(raw, "%Y-%m-%d %H:%M:%S")


def parse_all(rows):
    with ThreadPoolExecutor() as pool:
        return list(pool.map(parse_timestamp, rows))
