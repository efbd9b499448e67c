"""Time-ordered ids: UUIDv7 layout, strictly increasing within a process, time recoverable."""

from __future__ import annotations

import time
import uuid

from fieldapp.domain.ids import id_time_ms, new_id


def test_layout_is_a_version_7_rfc_uuid() -> None:
    value = new_id()
    assert isinstance(value, uuid.UUID)
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


def test_ids_carry_the_time_and_increase_even_within_one_millisecond() -> None:
    before = time.time_ns() // 1_000_000
    ids = [new_id() for _ in range(20_000)]  # many per millisecond, and past the 12-bit counter
    after = time.time_ns() // 1_000_000
    assert ids == sorted(ids)
    assert [str(i) for i in ids] == sorted(str(i) for i in ids)  # text order is id order too
    assert len(set(ids)) == len(ids)
    assert before <= id_time_ms(ids[0]) and id_time_ms(ids[-1]) <= after + 20


def test_the_random_tail_differs_between_ids() -> None:
    tails = {new_id().int & ((1 << 62) - 1) for _ in range(1000)}
    assert len(tails) == 1000


def test_random_bytes_are_fresh_across_refills() -> None:
    from fieldapp.domain.ids import random_bytes

    chunks = [random_bytes(16) for _ in range(1000)]  # several 4 KiB refills
    assert all(len(c) == 16 for c in chunks) and len(set(chunks)) == 1000
