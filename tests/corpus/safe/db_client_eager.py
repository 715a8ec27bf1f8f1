# Eager initialisation at import time: the client exists before any thread starts.
from concurrent.futures import ThreadPoolExecutor


class DatabaseClient:
    def __init__(self, dsn):
        self.dsn = dsn

    def query(self, sql):
        return [(sql, self.dsn)]


_client = DatabaseClient("postgresql://localhost/app")


def get_client():
    return _client


def report(day):
    return get_client().query(f"SELECT count(*) FROM orders WHERE day = '{day}'")


def build_reports(days):
    with ThreadPoolExecutor() as ex:
        return list(ex.map(report, days))
