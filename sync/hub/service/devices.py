"""Enrolled devices: the row as the use cases see it, listing, one device's holdings, revocation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, union, update

from sync.hub.service import audit
from sync.hub.service.errors import Refused
from sync.hub.store.db import Database
from sync.hub.store.tables import cases, device_cases, devices, ops
from sync.protocol.keys import ed25519_public, x25519_public

ACTIVE = "active"
REVOKED = "revoked"
_ID_CHARS = re.compile(r"[^A-Z2-7]")


@dataclass(frozen=True)
class Device:
    device_id: str
    user_id: str
    user: str
    role: str
    staff_code: str
    bcu: str
    team: str
    signing_key: str
    sealing_key: str
    state: str
    last_seq: int
    last_header_hash: str
    last_cursor: int

    @property
    def active(self) -> bool:
        return self.state == ACTIVE

    def signing_public(self):  # noqa: ANN201 - Ed25519PublicKey
        return ed25519_public(self.signing_key)

    def sealing_public(self):  # noqa: ANN201 - X25519PublicKey
        return x25519_public(self.sealing_key)

    @classmethod
    def from_row(cls, row: Any) -> Device:
        m = row._mapping if hasattr(row, "_mapping") else row
        return cls(**{name: m[name] for name in cls.__dataclass_fields__})


def normalise_id(text: str) -> str:
    """A device id as typed (any case, with or without dashes) in its grouped form."""
    body = _ID_CHARS.sub("", str(text).upper())[:28]
    return "-".join(body[i:i + 4] for i in range(0, len(body), 4))


def load(conn: Connection, device_id: str, *, lock: bool = False) -> Device | None:
    query = select(devices).where(devices.c.device_id == device_id)
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).first()
    return None if row is None else Device.from_row(row)


def _public(row: Any) -> dict[str, Any]:
    m = row._mapping
    return {k: m[k] for k in ("device_id", "user", "user_id", "role", "staff_code", "bcu", "team",
                              "label", "state", "revoked_reason", "revoked_at", "enrolled_at",
                              "not_after", "last_seen", "last_seq", "last_cursor",
                              "audit_head_seq", "audit_head_hash")}


def list_devices(db: Database) -> list[dict[str, Any]]:
    """Every enrolled device (user, role, last sync, state), newest enrolment first."""
    with db.begin(read_only=True) as conn:
        rows = conn.execute(select(devices).order_by(devices.c.enrolled_at.desc(),
                                                     devices.c.device_id))
        return [_public(row) for row in rows]


def show_device(db: Database, device_id: str) -> dict[str, Any]:
    """One device with the cases whose data it holds or held: those the hub sent it (pull
    pages) and those it pushed operations for, each with its police reference and rev."""
    wanted = normalise_id(device_id)
    with db.begin(read_only=True) as conn:
        row = conn.execute(select(devices).where(devices.c.device_id == wanted)).first()
        if row is None:
            raise Refused(404, "unknown_device", "no device with that id is enrolled at this hub")
        held = union(
            select(device_cases.c.case_id).where(device_cases.c.device_id == wanted),
            select(ops.c.case_id).where(ops.c.device_id == wanted).distinct(),
        ).subquery()
        sent = {r.case_id: r for r in conn.execute(
            select(device_cases).where(device_cases.c.device_id == wanted))}
        pushed = set(conn.execute(select(ops.c.case_id).where(ops.c.device_id == wanted)
                                  .distinct()).scalars())
        found = conn.execute(
            select(held.c.case_id, cases.c.police_ref, cases.c.allocated_to, cases.c.bcu,
                   cases.c.rev)
            .select_from(held.outerjoin(cases, cases.c.case_id == held.c.case_id))
            .order_by(held.c.case_id)).all()
    held_cases = []
    for case_id, police_ref, allocated_to, bcu, rev in found:
        dc = sent.get(case_id)
        held_cases.append({
            "case_id": case_id, "police_ref": police_ref, "allocated_to": allocated_to,
            "bcu": bcu, "rev": rev, "rev_sent": dc.rev_sent if dc else None,
            "sent_at": dc.sent_at if dc else None, "removed_at": dc.removed_at if dc else None,
            "pushed": case_id in pushed,
            "held": dc is None or dc.removed_at is None,
        })
    return {**_public(row), "cases": held_cases}


def revoke(db: Database, device_id: str, *, reason: str, actor: str, now_ms: int) -> None:
    """Mark the device revoked: every later signed request is refused with a wipe order."""
    wanted = normalise_id(device_id)
    with db.begin() as conn:
        device = load(conn, wanted, lock=True)
        if device is None:
            raise Refused(404, "unknown_device", "no device with that id is enrolled at this hub")
        if device.state == REVOKED:
            return
        conn.execute(update(devices).where(devices.c.device_id == wanted).values(
            state=REVOKED, revoked_reason=(reason or "revoked")[:200], revoked_at=now_ms))
        audit.append(conn, at=now_ms, actor=actor, action=audit.Action.REVOCATION,
                     record_type="device", record_id=wanted, purpose=(reason or "")[:500])
