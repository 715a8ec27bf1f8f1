# validation: A Snowflake-style 64-bit ID generator class intended to be shared by all request threads of a service.
# source: written blind from a description
# mode: library
"""64-bit time-ordered IDs: 41 bits of milliseconds, 10 bits of worker id, 12 bits of sequence."""
import time

__all__ = ["SnowflakeGenerator"]

EPOCH_MS = 1_600_000_000_000
SEQUENCE_BITS = 12
WORKER_BITS = 10
SEQUENCE_MASK = (1 << SEQUENCE_BITS) - 1


class SnowflakeGenerator:
    def __init__(self, worker_id: int, clock=time.time) -> None:
        if not 0 <= worker_id < (1 << WORKER_BITS):
            raise ValueError("worker_id out of range")
        self.worker_id = worker_id
        self._clock = clock
        self.last_ms = -1
        self.sequence = 0
        self.issued = 0

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)

    def next_id(self) -> int:
        now = self._now_ms()
        if now == self.last_ms:  # RACE[a]: two threads in the same millisecond both take this branch
            self.sequence = (self.sequence + 1) & SEQUENCE_MASK  # RACE[a]: read-modify-write of the sequence; both compute the same value, so duplicate ids
            if self.sequence == 0:
                while now <= self.last_ms:
                    now = self._now_ms()
        else:
            self.sequence = 0  # RACE[a]: resets the sequence another thread just advanced
        self.last_ms = now  # RACE[a]: timestamp and sequence are updated separately, not as one step
        self.issued += 1  # RACE[b]: lost update on the issued counter
        return ((now - EPOCH_MS) << (WORKER_BITS + SEQUENCE_BITS)) | (self.worker_id << SEQUENCE_BITS) | self.sequence  # RACE[a]: builds the id from fields other threads may have changed


if __name__ == "__main__":
    gen = SnowflakeGenerator(worker_id=7)
    ids = [gen.next_id() for _ in range(5)]
    print(ids, len(set(ids)) == len(ids))
