"""Time-ordered record ids (the UUIDv7 layout of RFC 9562, built with the standard library).

A random UUIDv4 primary key sends every insert to a random leaf page of its index, so a bulk
import rewrites (and, in the encrypted store, re-encrypts) most of the index on every batch. An
id that starts with the time appends instead: consecutive ids sort together.

Layout: 48-bit Unix time in milliseconds, version 7, a 12-bit counter (random start each
millisecond, so ids from one process are strictly increasing), variant 10, 62 random bits.

Do not use these ids where the leading hex digits are shown or hashed as if they were random
(``capture.pseudonym_for`` takes a case id's first six hex digits): they are the time.
"""

from __future__ import annotations

import os
import threading
import time
from uuid import UUID

_lock = threading.Lock()
_last_ms = 0
_counter = 0
_COUNTER_MAX = 0xFFF


# Random bytes are drawn from the OS 4 KiB at a time: os.urandom lets go of the GIL, and a bulk
# import making an id per row on one thread while another runs Python waited up to the 5 ms
# switch interval to get it back, every time.
_POOL_BYTES = 4096
_pool = b""
_pool_at = 0


def random_bytes(count: int) -> bytes:
    """``count`` bytes from the OS's random source (buffered; ``count`` at most 4,096)."""
    global _pool, _pool_at
    with _lock:
        if _pool_at + count > len(_pool):
            _pool, _pool_at = os.urandom(_POOL_BYTES), 0
        chunk = _pool[_pool_at:_pool_at + count]
        _pool_at += count
    return chunk


def new_id() -> UUID:
    """A new time-ordered UUID; strictly greater than the previous one from this process."""
    global _last_ms, _counter
    random_bits = int.from_bytes(random_bytes(10), "big")
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms > _last_ms:
            _last_ms, _counter = ms, random_bits >> 69  # 11 random bits: room to count up
        elif _counter < _COUNTER_MAX:
            _counter += 1
        else:  # 4,096 ids in one millisecond: borrow the next one (the clock catches up)
            _last_ms, _counter = _last_ms + 1, 0
        ms, counter = _last_ms, _counter
    value = (ms << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | (random_bits & ((1 << 62) - 1))
    return UUID(int=value)


def id_time_ms(value: UUID) -> int:
    """The millisecond timestamp a :func:`new_id` carries (for tests and diagnostics)."""
    return value.int >> 80
