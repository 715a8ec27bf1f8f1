# hazard: mutable default argument shared between threads (batch list used as a default)
import threading


def add_to_batch(record, batch=[]):
    batch.append(record)
    if len(batch) >= 100:
        flush(list(batch))
        batch.clear()


def flush(records):
    print(f"flushing {len(records)} records")


def ingest(source):
    for record in source:
        add_to_batch(record)


def ingest_all(sources):
    threads = [threading.Thread(target=ingest, args=(s,)) for s in sources]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
