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
from fieldapp.store.cursor import dbapi_of
from fieldapp.store.engine import insert_json, json_text
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
    return _digest_of(prev_hash, seq=entry.seq, at_text=UtcDateTime().process_bind_param(entry.at, None),
                      actor=entry.actor, action=entry.action, record_type=entry.record_type,
                      record_id=entry.record_id, fields=sorted(entry.fields),
                      justification=entry.justification, recipient=entry.recipient)


_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _digest_of(prev_hash: str, *, seq: int, at_text: str | None, actor: str, action: str,
               record_type: str, record_id: str, fields: list[str], justification: str,
               recipient: str) -> str:
    """The chain hash of one row from its stored values (``fields`` already sorted)."""
    body = {
        "seq": seq, "at": at_text, "actor": actor, "action": action, "record_type": record_type,
        "record_id": record_id, "fields": fields, "justification": justification,
        "recipient": recipient,
    }
    return hashlib.sha256(prev_hash.encode() + _dumps(body).encode()).hexdigest()


def append(
    session: Session, *, actor: str, action: Action, record_type: str, record_id: object,
    fields: list[str] | tuple[str, ...] = (), justification: str = "", recipient: str = "",
    at: datetime | None = None,
) -> AuditEntry:
    last_seq, prev = _head(session)
    seq = last_seq + 1
    entry = AuditEntry(
        seq=seq, at=at or utc_now(), actor=actor, action=str(action), record_type=record_type,
        record_id=str(record_id), fields=sorted(fields), justification=justification,
        recipient=recipient, prev_hash=prev, hash="",
    )
    entry.hash = _digest(prev, entry)
    session.add(entry)
    session.flush()
    _remember_head(session, seq, entry.hash)
    return entry


# The chain head (last seq and hash) is read once per transaction and then carried in
# ``session.info``: a visit save appends six rows, and each used to re-read the head. The writer
# holds BEGIN IMMEDIATE, so nobody else can append until it commits or rolls back; the cache is
# keyed by the transaction object, so a new transaction (after either) reads the head again.
_HEAD_KEY = "fieldapp.audit.head"


def _head(session: Session) -> tuple[int, str]:
    cached = session.info.get(_HEAD_KEY)
    txn = session.get_transaction()
    if cached is not None and txn is not None and cached[0] is txn:
        return cached[1], cached[2]
    # Straight to the cursor: through the ORM this one-row read cost more than a visit's inserts.
    last = dbapi_of(session).execute(
        "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (last[0], last[1]) if last else (0, GENESIS)


def _remember_head(session: Session, seq: int, digest: str) -> None:
    session.info[_HEAD_KEY] = (session.get_transaction(), seq, digest)


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


_COLUMNS = ("seq", "at", "actor", "action", "record_type", "record_id", "fields", "justification",
            "recipient", "prev_hash", "hash")


def append_many(session: Session, *, actor: str, entries: list[dict], at: datetime | None = None) -> int:
    """Bulk form of :func:`append` for imports: one chained row per entry, one executemany.

    Each entry has ``action``, ``record_type``, ``record_id`` and optionally ``fields``,
    ``justification`` and ``recipient``. The rows and hashes are exactly what the same calls to
    :func:`append` would write; only the ORM bookkeeping per row is skipped.
    """
    if not entries:
        return 0
    seq, prev = _head(session)
    at_text = UtcDateTime().process_bind_param(at or utc_now(), None)
    rows = []
    for item in entries:
        seq += 1
        fields = sorted(item.get("fields", ()))
        action, record_type, record_id = str(item["action"]), item["record_type"], str(item["record_id"])
        justification, recipient = item.get("justification", ""), item.get("recipient", "")
        digest = _digest_of(prev, seq=seq, at_text=at_text, actor=actor, action=action,
                            record_type=record_type, record_id=record_id, fields=fields,
                            justification=justification, recipient=recipient)
        rows.append((seq, at_text, actor, action, record_type, record_id, json_text(fields),
                     justification, recipient, prev, digest))
        prev = digest
    insert_json(dbapi_of(session), AuditEntry.__table__, _COLUMNS, rows)
    _remember_head(session, seq, prev)
    return len(rows)
