# validation: A Snowflake-style 64-bit ID generator class intended to be shared by all request threads of a service.
# source: written blind from a description
# mode: library
# safe: reading the clock state, advancing the sequence and composing the id happen in one critical section, so no two callers can produce the same (millisecond, sequence) pair.
import threading
import time

__all__ = ["SequenceIdGenerator"]

EPOCH_MS = 1_600_000_000_000
SEQUENCE_BITS = 12
WORKER_BITS = 10
SEQUENCE_MASK = (1 << SEQUENCE_BITS) - 1


class SequenceIdGenerator:
    def __init__(self, worker_id: int, clock=time.time) -> None:
        if not 0 <= worker_id < (1 << WORKER_BITS):
            raise ValueError("worker_id out of range")
        self.worker_id = worker_id
        self._clock = clock
        self._lock = threading.Lock()
        self._last_ms = -1
        self._sequence = 0

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)

    def next_id(self) -> int:
        with self._lock:
            now = self._now_ms()
            if now < self._last_ms:
                now = self._last_ms  # clock stepped back: stay on the last millisecond
            if now == self._last_ms:
                self._sequence = (self._sequence + 1) & SEQUENCE_MASK
                if self._sequence == 0:
                    while now <= self._last_ms:
                        now = self._now_ms()
            else:
                self._sequence = 0
            self._last_ms = now
            return ((now - EPOCH_MS) << (WORKER_BITS + SEQUENCE_BITS)) | (self.worker_id << SEQUENCE_BITS) | self._sequence


if __name__ == "__main__":
    gen = SequenceIdGenerator(worker_id=7)
    ids = [gen.next_id() for _ in range(5)]
    print(ids, len(set(ids)) == len(ids))
