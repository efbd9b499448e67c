"""Pull pages: the cases in a device's scope changed since its cursor, sealed to the device.

Scope (docs/sync-protocol.md "Pull page"): an IDVA gets the cases allocated to their staff
code; a supervisor those allocated to a staff code of their team (the staff codes of the devices
enrolled with the same team, and their own); a coordinator those of their BCU, or every case
when their code gave no BCU. An empty staff code or team never matches anything.

The page is read in one snapshot (REPEATABLE READ on PostgreSQL, a WAL read transaction on
SQLite); what was sent is then recorded (``device_cases``, and as the device's ``last_cursor``
the cursor the page hands back, so ``fieldapp-hub status`` shows how far the device has got) in a
short writing transaction.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, false, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from sync.hub.keys import HubKeys
from sync.hub.service import audit, casedata
from sync.hub.service.devices import Device, load
from sync.hub.service.errors import Refused
from sync.hub.store.db import Database
from sync.hub.store.tables import cases, device_cases, devices
from sync.protocol import seal
from sync.protocol.models import CaseOps, PullPayload

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 500
MAX_LIMIT = 1000
MAX_PAGE_OPS = 20_000
"""A page stops adding cases once it holds this many ops (it always holds at least one case)."""


def scope_clause(conn: Connection, device: Device) -> ColumnElement[bool]:
    """Which rows of ``cases`` the device may hold."""
    if device.role == "idva":
        return cases.c.allocated_to == device.staff_code if device.staff_code else false()
    if device.role == "supervisor":
        codes = {device.staff_code} if device.staff_code else set()
        if device.team:
            codes.update(conn.execute(
                select(devices.c.staff_code).where(devices.c.team == device.team,
                                                   devices.c.staff_code != "").distinct()
            ).scalars())
        return cases.c.allocated_to.in_(sorted(codes)) if codes else false()
    if device.role == "coordinator":
        return cases.c.bcu == device.bcu.upper() if device.bcu else true()
    return false()


def scope_hash(pairs: list[tuple[str, int]]) -> str:
    """SHA-256 hex of ``case_id:rev\\n`` for every case in scope, sorted by case id."""
    digest = hashlib.sha256()
    for case_id, rev in sorted(pairs):
        digest.update(f"{case_id}:{rev}\n".encode("ascii"))
    return digest.hexdigest()


def _read_page(conn: Connection, keys: HubKeys, device: Device, cursor: int, limit: int
               ) -> tuple[list[CaseOps], bool, str, list[str]]:
    in_scope = scope_clause(conn, device)
    candidates = conn.execute(select(cases.c.case_id, cases.c.rev)
                              .where(in_scope, cases.c.rev > cursor)
                              .order_by(cases.c.rev).limit(limit + 1)).all()
    more = len(candidates) > limit
    candidates = candidates[:limit]
    page: list[CaseOps] = []
    total = 0
    for part_start in range(0, len(candidates), casedata.CHUNK):
        part = candidates[part_start:part_start + casedata.CHUNK]
        found = casedata.case_ops(conn, keys, [c.case_id for c in part])
        stop = False
        for case_id, rev in part:
            case_ops = found[case_id]
            if page and total + len(case_ops) > MAX_PAGE_OPS:
                stop = True
                break
            page.append(CaseOps(case_id=case_id, rev=int(rev), ops=case_ops))
            total += len(case_ops)
        if stop:
            more = True
            break
    pairs = [(c, int(r)) for c, r in conn.execute(
        select(cases.c.case_id, cases.c.rev).where(in_scope))]
    in_scope_ids = {c for c, _ in pairs}
    held = select(device_cases.c.case_id, device_cases.c.removed_at).where(
        device_cases.c.device_id == device.device_id, device_cases.c.rev_sent.is_not(None))
    removed = sorted(case_id for case_id, removed_at in conn.execute(held)
                     if case_id not in in_scope_ids and (removed_at is None or cursor == 0))
    return page, more, scope_hash(pairs), removed


def _record(db: Database, device: Device, *, cursor: int, page: list[CaseOps],
            removed: list[str], page_id: str, now_ms: int) -> None:
    with db.begin() as conn:
        conn.execute(update(devices).where(devices.c.device_id == device.device_id)
                     .values(last_cursor=cursor, last_seen=now_ms))
        if page:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            stmt = dialect.insert(device_cases)
            stmt = stmt.on_conflict_do_update(
                index_elements=[device_cases.c.device_id, device_cases.c.case_id],
                set_={"rev_sent": stmt.excluded.rev_sent, "sent_at": stmt.excluded.sent_at,
                      "removed_at": None})
            conn.execute(stmt, [{"device_id": device.device_id, "case_id": c.case_id,
                                 "rev_sent": c.rev, "sent_at": now_ms, "removed_at": None}
                                for c in page])
        for part in casedata.chunks(removed):
            conn.execute(update(device_cases).where(
                device_cases.c.device_id == device.device_id, device_cases.c.case_id.in_(part),
                device_cases.c.removed_at.is_(None)).values(removed_at=now_ms))
        if page or removed:
            audit.append(conn, at=now_ms, actor="hub", action=audit.Action.DISCLOSURE,
                         record_type="pull_page", record_id=page_id, recipient=device.device_id,
                         purpose=f"sync pull: {len(page)} cases sent, {len(removed)} removed")


@dataclass(frozen=True)
class Page:
    body: bytes
    cursor_to: int
    more: bool
    cases: int
    removed: int


def changes_page(db: Database, keys: HubKeys, *, device: Device, cursor: int, limit: int,
                 now_ms: int) -> bytes:
    """The sealed pull page for ``GET /v1/changes?cursor=N&limit=L`` (limit capped at 1000)."""
    return build_page(db, keys, device=device, cursor=cursor, limit=limit, now_ms=now_ms).body


def build_page(db: Database, keys: HubKeys, *, device: Device, cursor: int, limit: int,
               now_ms: int) -> Page:
    """:func:`changes_page` with what the page holds, for the transfer summary."""
    if isinstance(cursor, bool) or not isinstance(cursor, int) or cursor < 0:
        raise Refused(400, "malformed", "the cursor must be a whole number, 0 or more")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise Refused(400, "malformed", "the limit must be a whole number, 1 or more")
    limit = min(limit, MAX_LIMIT)
    with db.begin(read_only=True) as conn:
        current = load(conn, device.device_id)
        if current is None:
            raise Refused(403, "unknown_device", "this hub does not know the device")
        page, more, digest, removed = _read_page(conn, keys, current, cursor, limit)
    cursor_to = page[-1].rev if page else cursor
    page_id = str(uuid.uuid4())
    header_core: dict[str, Any] = {
        "v": 1, "type": "pull", "page_id": page_id, "device_id": current.device_id,
        "cursor_from": cursor, "cursor_to": cursor_to, "more": more, "scope_hash": digest,
        "hub_kid": keys.kid}
    payload = PullPayload(device_id=current.device_id, cursor_from=cursor, cursor_to=cursor_to,
                          cases=page, removed=removed, hub_time=now_ms)
    body = seal.seal(kind="pull", header_core=header_core, payload=payload.model_dump(mode="json"),
                     recipient=current.sealing_public(), signer=keys.pairs.signing)
    _record(db, current, cursor=cursor_to, page=page, removed=removed, page_id=page_id, now_ms=now_ms)
    log.info("pull page", extra={"device_id": current.device_id, "page_id": page_id,
                                 "cursor_from": cursor, "cursor_to": cursor_to,
                                 "cases": len(page), "removed": len(removed)})
    return Page(body=body, cursor_to=cursor_to, more=more, cases=len(page), removed=len(removed))
