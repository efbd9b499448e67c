"""The hub's own audit log: who did what to which record, for whom and why, hash-chained.

Each row's hash covers its content and the previous row's hash (as the laptop's
``fieldapp/store/audit.py`` does), so editing, deleting or reordering a row breaks the chain from
that row on. Sequence numbers come from the ``audit`` counter row, updated in the writing
transaction: its row lock orders concurrent writers on PostgreSQL (SQLite has one writer), and a
rolled-back transaction gives its number back, so the chain has no gaps.

Values are never logged, only ids, field groups and the recipient and purpose of a disclosure.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum

from sqlalchemy import Connection, select, update

from sync.hub.store.db import Database
from sync.hub.store.tables import AUDIT_COUNTER, counters, hub_audit

GENESIS = "0" * 64


class Action(StrEnum):
    COLLECTION = "collection"
    ALTERATION = "alteration"
    CONSULTATION = "consultation"
    DISCLOSURE = "disclosure"
    ENROLMENT = "enrolment"
    REVOCATION = "revocation"


_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _digest(prev_hash: str, *, seq: int, at: int, actor: str, action: str, record_type: str,
            record_id: str, recipient: str, purpose: str) -> str:
    body = {"seq": seq, "at": at, "actor": actor, "action": action, "record_type": record_type,
            "record_id": record_id, "recipient": recipient, "purpose": purpose}
    return hashlib.sha256(prev_hash.encode() + _dumps(body).encode()).hexdigest()


def append(conn: Connection, *, at: int, actor: str, action: Action | str, record_type: str,
           record_id: object, recipient: str = "", purpose: str = "") -> int:
    """One chained row in the caller's transaction; returns its seq."""
    seq = conn.execute(update(counters).where(counters.c.name == AUDIT_COUNTER)
                       .values(value=counters.c.value + 1).returning(counters.c.value)).scalar_one()
    prev = GENESIS
    if seq > 1:
        prev = conn.execute(select(hub_audit.c.hash).where(hub_audit.c.seq == seq - 1)).scalar_one()
    row = {"seq": int(seq), "at": int(at), "actor": actor[:120], "action": str(action),
           "record_type": record_type[:32], "record_id": str(record_id)[:120],
           "recipient": recipient[:200], "purpose": purpose[:500]}
    digest = _digest(prev, **row)
    conn.execute(hub_audit.insert().values(**row, prev_hash=prev, hash=digest))
    return int(seq)


def verify(db: Database) -> bool:
    """True when every row chains from the genesis hash in unbroken seq order, and the audit
    counter agrees with the last row (so the newest rows cannot be cut off unnoticed)."""
    with db.begin(read_only=True) as conn:
        prev, expected = GENESIS, 1
        for row in conn.execute(select(hub_audit).order_by(hub_audit.c.seq)).mappings():
            digest = _digest(prev, seq=row["seq"], at=row["at"], actor=row["actor"],
                             action=row["action"], record_type=row["record_type"],
                             record_id=row["record_id"], recipient=row["recipient"],
                             purpose=row["purpose"])
            if row["seq"] != expected or row["prev_hash"] != prev or row["hash"] != digest:
                return False
            prev, expected = digest, expected + 1
        counted = conn.execute(select(counters.c.value)
                               .where(counters.c.name == AUDIT_COUNTER)).scalar_one()
        return counted == expected - 1
