# validation: A module that generates time-ordered order reference IDs (millisecond timestamp, shard, per-millisecond sequence) for an e-commerce backend whose request threads all import and call it.
# source: written blind from a description (holdout batch, 2026-12-05)
# mode: library
import time

EPOCH_MS = 1_700_000_000_000
SHARD_BITS = 6
SEQ_BITS = 12
MAX_SEQ = (1 << SEQ_BITS) - 1

_shard = 1
_last_ms = -1
_seq = 0
issued = 0


def configure(shard):
    global _shard
    if not 0 <= shard < (1 << SHARD_BITS):
        raise ValueError("shard out of range")
    _shard = shard


def _now_ms():
    return int(time.time() * 1000) - EPOCH_MS


def next_order_ref():
    global _last_ms, _seq, issued
    now = _now_ms()
    if now == _last_ms:  # RACE[a]: two threads can read the same last timestamp...
        _seq = (_seq + 1) & MAX_SEQ  # RACE[a]: ...and both compute the same next sequence number
        if _seq == 0:  # RACE[a]: another thread may have reset the sequence in between
            while now <= _last_ms:
                now = _now_ms()
    else:
        _seq = 0  # RACE[a]: a thread entering a new millisecond resets the sequence under another's feet
    _last_ms = now  # RACE[a]: timestamp written separately from the sequence it belongs to
    issued += 1  # RACE[b]: issued counter is a global += from every caller
    return (now << (SHARD_BITS + SEQ_BITS)) | (_shard << SEQ_BITS) | _seq  # RACE[a]: reads a sequence another thread may already have changed


def format_ref(ref):
    return f"ORD-{ref:016X}"


def parse_ref(ref):
    seq = ref & MAX_SEQ
    shard = (ref >> SEQ_BITS) & ((1 << SHARD_BITS) - 1)
    ms = ref >> (SHARD_BITS + SEQ_BITS)
    return ms + EPOCH_MS, shard, seq


if __name__ == "__main__":
    configure(7)
    refs = [next_order_ref() for _ in range(5000)]
    assert len(set(refs)) == len(refs), "duplicate reference"
    assert refs == sorted(refs), "not time ordered"
    ms, shard, seq = parse_ref(refs[-1])
    assert shard == 7
    print(format_ref(refs[0]), format_ref(refs[-1]), f"issued={issued}")
