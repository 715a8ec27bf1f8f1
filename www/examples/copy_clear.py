"""A metrics buffer that request threads fill and a flusher thread drains."""
import threading

buffer = []


def record(value):
    buffer.append(value)


def flush():
    # Values appended between the copy and the clear are lost.
    batch = list(buffer)
    buffer.clear()
    print(len(batch))


threading.Thread(target=record, args=(1,)).start()
threading.Thread(target=flush).start()
