# None default: every call gets its own batch list.
import threading


def build_batch(records, batch=None):
    if batch is None:
        batch = []
    for record in records:
        batch.append(record)
    return batch


def flush(records):
    print(f"flushing {len(records)} records")


def ingest(source):
    flush(build_batch(source))


def ingest_all(sources):
    threads = [threading.Thread(target=ingest, args=(s,)) for s in sources]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
