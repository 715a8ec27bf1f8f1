# hazard: read-modify-write of a class attribute (open-connection counter bumped from worker threads)
import sqlite3
import threading


class Connection:
    open_count = 0
    max_seen = 0

    def __init__(self, path):
        self._conn = sqlite3.connect(path, check_same_thread=False)
        Connection.open_count += 1
        if Connection.open_count > Connection.max_seen:
            Connection.max_seen = Connection.open_count

    def close(self):
        self._conn.close()
        Connection.open_count -= 1

    def execute(self, sql, params=()):
        return self._conn.execute(sql, params).fetchall()


def import_batch(db_path, rows):
    conn = Connection(db_path)
    try:
        for row in rows:
            conn.execute("INSERT INTO items VALUES (?, ?)", row)
    finally:
        conn.close()


def parallel_import(db_path, batches):
    threads = [threading.Thread(target=import_batch, args=(db_path, b)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
