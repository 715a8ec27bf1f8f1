"""A metrics buffer drained under the same lock the request threads append with."""
import threading

buffer = []
buffer_lock = threading.Lock()


def record(value):
    with buffer_lock:
        buffer.append(value)


def flush():
    with buffer_lock:
        batch = list(buffer)
        buffer.clear()
    print(len(batch))


threading.Thread(target=record, args=(1,)).start()
threading.Thread(target=flush).start()
