# validation: A distributed-tracing client library that buffers finished spans and ships them in batches to a collector whenever the buffer fills, called from every instrumented thread.
# source: written blind from a description
# mode: library
import json
import time


class BatchSpanExporter:
    def __init__(self, send, max_batch=50):
        self._send = send
        self.max_batch = max_batch
        self._buffer = []
        self._dropped = 0
        self.exported = 0
        self.shutdown_called = False

    def on_end(self, span):
        if self.shutdown_called:  # RACE[c]: checked before shutdown() sets it, span lands after the final flush
            self._dropped += 1  # RACE[d]: lost update on the drop counter
            return
        self._buffer.append(span)  # RACE[a]: appends to a list flush() may already have taken
        if len(self._buffer) >= self.max_batch:
            self.flush()

    def flush(self):
        batch = self._buffer  # RACE[a]: takes the live list; later appends to it are never sent
        self._buffer = []  # RACE[a]: swap is two steps; a concurrent flush sends the same batch twice
        if batch:
            self._send(json.dumps(batch))
            self.exported += len(batch)  # RACE[b]: read-modify-write shared with other flushing threads

    def shutdown(self):
        self.shutdown_called = True  # RACE[c]: flag and final flush are not one step with on_end's check
        self.flush()  # RACE[c]: spans appended after this swap are never sent

    def stats(self):
        return {"exported": self.exported, "dropped": self._dropped, "pending": len(self._buffer)}


class Span:
    def __init__(self, name, root_id):
        self.name, self.root_id, self.start = name, root_id, time.time()

    def finish(self, exporter):
        exporter.on_end({"name": self.name, "root": self.root_id,
                         "ms": round((time.time() - self.start) * 1000, 3)})


if __name__ == "__main__":
    sent = []
    exporter = BatchSpanExporter(sent.append, max_batch=4)
    for i in range(10):
        Span("db.query", "t%d" % (i // 3)).finish(exporter)
    exporter.shutdown()
    Span("late", "t9").finish(exporter)
    print(len(sent), "batches", exporter.stats())
