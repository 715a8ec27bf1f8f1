# hazard: lazy initialisation of a module global without a lock (two clients can be created)
import threading
from concurrent.futures import ThreadPoolExecutor

_client = None


class DatabaseClient:
    def __init__(self, dsn):
        self.dsn = dsn
        self.pool = []

    def query(self, sql):
        return [(sql, self.dsn)]


def get_client():
    global _client
    if _client is None:
        _client = DatabaseClient("postgresql://localhost/app")
    return _client


def report(day):
    return get_client().query(f"SELECT count(*) FROM orders WHERE day = '{day}'")


def build_reports(days):
    with ThreadPoolExecutor() as ex:
        return list(ex.map(report, days))
