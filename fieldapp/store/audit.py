"""The DPA 2018 s.62 log: who did what to which record, hash-chained so an edit shows.

Field names are logged, never values. Each row's hash covers its own content and the previous
row's hash, so altering, deleting or reordering any row breaks the chain from that row on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.domain.clock import utc_now
from fieldapp.store.orm import AuditEntry
from fieldapp.store.types import UtcDateTime

GENESIS = "0" * 64


class Action(StrEnum):
    COLLECTION = "collection"
    ALTERATION = "alteration"
    CONSULTATION = "consultation"
    DISCLOSURE = "disclosure"
    COMBINATION = "combination"
    ERASURE = "erasure"


def _digest(prev_hash: str, entry: AuditEntry) -> str:
    body = {
        "seq": entry.seq,
        "at": UtcDateTime().process_bind_param(entry.at, None),
        "actor": entry.actor,
        "action": entry.action,
        "record_type": entry.record_type,
        "record_id": entry.record_id,
        "fields": sorted(entry.fields),
        "justification": entry.justification,
        "recipient": entry.recipient,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(prev_hash.encode() + canonical.encode()).hexdigest()


def append(
    session: Session, *, actor: str, action: Action, record_type: str, record_id: object,
    fields: list[str] | tuple[str, ...] = (), justification: str = "", recipient: str = "",
    at: datetime | None = None,
) -> AuditEntry:
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    entry = AuditEntry(
        seq=seq, at=at or utc_now(), actor=actor, action=str(action), record_type=record_type,
        record_id=str(record_id), fields=sorted(fields), justification=justification,
        recipient=recipient, prev_hash=prev, hash="",
    )
    entry.hash = _digest(prev, entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    rows: int
    first_bad_seq: int | None

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


def verify(session: Session) -> ChainReport:
    prev, expected_seq, rows = GENESIS, 1, 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).yield_per(2000):
        rows += 1
        if entry.seq != expected_seq or entry.prev_hash != prev or _digest(prev, entry) != entry.hash:
            return ChainReport(rows=rows, first_bad_seq=entry.seq)
        prev, expected_seq = entry.hash, expected_seq + 1
    return ChainReport(rows=rows, first_bad_seq=None)


def append_many(session: Session, *, actor: str, entries: list[dict], at: datetime | None = None) -> int:
    """Bulk form of :func:`append` for imports: one chained row per entry, one INSERT round.

    Each entry has ``action``, ``record_type``, ``record_id`` and optionally ``fields``,
    ``justification`` and ``recipient``.
    """
    if not entries:
        return 0
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    when = at or utc_now()
    rows = []
    for item in entries:
        seq += 1
        entry = AuditEntry(
            seq=seq, at=when, actor=actor, action=str(item["action"]),
            record_type=item["record_type"], record_id=str(item["record_id"]),
            fields=sorted(item.get("fields", ())), justification=item.get("justification", ""),
            recipient=item.get("recipient", ""), prev_hash=prev, hash="",
        )
        prev = entry.hash = _digest(prev, entry)
        rows.append({c: getattr(entry, c) for c in (
            "seq", "at", "actor", "action", "record_type", "record_id", "fields", "justification",
            "recipient", "prev_hash", "hash")})
    session.execute(AuditEntry.__table__.insert(), rows)
    return len(rows)
