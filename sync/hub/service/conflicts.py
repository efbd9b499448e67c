"""Open conflicts of safety-critical fields, and quarantined operations, as the hub holds them.

Conflicts are written by the push transaction from each touched case's replay
(``push.bump_cases``; rules in ``sync.protocol.replay`` and ``sync.protocol.safety``): two
devices changing do-not-contact, do-not-visit, the risk grade, the MARAC referral or the
safe-contact details from the same base keep both values, the restrictive one in force, until a
person's resolution op (from a laptop) closes it. Their sides are sealed at rest (``detail``);
this opens them for the coordinator's listing.

Quarantined operations (stamped more than 5 minutes ahead of the hub's clock when received) are
kept, never applied; they are listed by device and time, never by value.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from sync.hub.keys import HubKeys
from sync.hub.service import casedata
from sync.hub.store import tables as t
from sync.hub.store.db import Database
from sync.protocol import safety as rules


def _value(field: str, side: dict[str, Any]) -> dict[str, Any]:
    return {"op_id": side.get("op_id"), "value": side.get("value"),
            "label": rules.value_label(field, side.get("value")), "by": side.get("by", ""),
            "device_id": side.get("device_id", ""), "at": side.get("at")}


def open_conflicts(db: Database, keys: HubKeys | None = None) -> list[dict[str, Any]]:
    """Each open conflict: ``case_id``, ``police_incident_ref``, ``conflict_id``, ``field``,
    ``field_label``, ``values`` (every competing value with its author, device and time; empty
    without ``keys``), ``in_force`` (the value applied until resolved) and ``since`` (ms)."""
    query = (select(t.conflicts.c.conflict_id, t.conflicts.c.case_id, t.conflicts.c.field,
                    t.conflicts.c.created_at, t.conflicts.c.detail, t.cases.c.police_ref)
             .select_from(t.conflicts.outerjoin(t.cases, t.cases.c.case_id == t.conflicts.c.case_id))
             .where(t.conflicts.c.state == "open")
             .order_by(t.conflicts.c.created_at, t.conflicts.c.conflict_id))
    with db.begin(read_only=True) as conn:
        rows = conn.execute(query).all()
        devices = _devices_of_ops(conn, rows, keys)
    out = []
    for row in rows:
        item: dict[str, Any] = {
            "conflict_id": row.conflict_id, "case_id": row.case_id,
            "police_incident_ref": row.police_ref or "", "field": row.field,
            "field_label": rules.FIELD_LABELS.get(row.field, row.field), "values": [],
            "in_force": None, "since": row.created_at}
        if keys is not None and row.detail is not None:
            detail = casedata.open_detail(keys, conflict_id=row.conflict_id, sealed=row.detail)
            sides = [dict(s, device_id=devices.get(s.get("op_id"), "")) for s in detail["sides"]]
            item["values"] = [_value(row.field, s) for s in sides]
            chosen = detail["in_force"]
            item["in_force"] = _value(row.field, dict(
                chosen, device_id=devices.get(chosen.get("op_id"), "")))
        out.append(item)
    return out


def _devices_of_ops(conn: Any, rows: list[Any], keys: HubKeys | None) -> dict[str, str]:
    """op id -> the device that sent it, for the sides of the conflicts listed."""
    if keys is None:
        return {}
    op_ids: set[str] = set()
    for row in rows:
        if row.detail is not None:
            detail = casedata.open_detail(keys, conflict_id=row.conflict_id, sealed=row.detail)
            op_ids.update(str(s.get("op_id")) for s in detail["sides"])
    found: dict[str, str] = {}
    for part in casedata.chunks(sorted(op_ids)):
        found.update(conn.execute(select(t.ops.c.op_id, t.ops.c.device_id)
                                  .where(t.ops.c.op_id.in_(part))).all())
    return found


def quarantined(db: Database) -> list[dict[str, Any]]:
    """Quarantined ops by device: how many, and the span of their clock readings (ms)."""
    query = (select(t.ops.c.device_id, t.devices.c.label, func.count(), func.min(t.ops.c.hlc),
                    func.max(t.ops.c.hlc), func.max(t.ops.c.received_at))
             .select_from(t.ops.join(t.devices, t.devices.c.device_id == t.ops.c.device_id))
             .where(t.ops.c.quarantined.is_(True))
             .group_by(t.ops.c.device_id, t.devices.c.label)
             .order_by(t.ops.c.device_id))
    with db.begin(read_only=True) as conn:
        return [{"device_id": device_id, "label": label, "ops": int(n),
                 "stamped_from": int(first[:15]), "stamped_to": int(last[:15]),
                 "last_received_at": int(received)}
                for device_id, label, n, first, last, received in conn.execute(query)]
