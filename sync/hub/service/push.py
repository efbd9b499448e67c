"""Receiving a push bundle: docs/sync-protocol.md "Push bundle", steps 1-9, in that order.

Everything that can be refused is refused before anything is decrypted (size, framing, suite,
the device's signature, replay, sequence and fork), and nothing is applied unless all of it is
applied: the ops, the touched cases' new revs and scope fields, the received bundle with its
receipt, the device's sequence, header hash and audit head, and the hub audit row are written in
one transaction, under the device's row lock (PostgreSQL; SQLite's writer lock on SQLite), so
two deliveries of one bundle cannot both apply.

Revs come from the one ``change`` counter row, bumped in the same transaction: its row lock
orders the writers, so a reader paging by rev never passes a rev that commits later.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from sync.hub.keys import HubKeys
from sync.hub.service import audit, authority, casedata
from sync.hub.service.auth import wipe_order
from sync.hub.service.devices import REVOKED, Device, load
from sync.hub.service.errors import Refused
from sync.hub.store.db import Database
from sync.hub.store.tables import (
    CHANGE_COUNTER,
    cases,
    conflicts,
    counters,
    devices,
    ops,
    received_bundles,
)
from sync.protocol import hlc, seal
from sync.protocol.canonical import sha256_hex
from sync.protocol.errors import BadSignature, ProtocolError
from sync.protocol.models import Op, PushPayload

log = logging.getLogger(__name__)

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_ENTITY = re.compile(r"^[a-z_]{1,24}$")
_KIND = re.compile(r"^[a-z]{1,12}$")
_ENTITY_ID = re.compile(r"^[0-9A-Za-z._:-]{1,64}$")
_UNSTORABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_MAX_SEQ = 2**31 - 1
MAX_VALUE_DEPTH = 32
"""How deeply an op's value may nest (the laptop's go 3 deep). A deeper one is refused: stored,
it would make every later pull page of its case too deep to encode."""


def _shallow(value: object, limit: int = MAX_VALUE_DEPTH) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


def _malformed(message: str) -> Refused:
    return Refused(400, "malformed", message)


def precheck(*, body: bytes, max_bytes: int) -> seal.Sealed:
    """Steps 1 and 2: the size (413 before parsing), then the framing, JSON, suite and header
    fields (400). Needs no key and no database, so the API runs it before authenticating."""
    if len(body) > max_bytes:
        raise Refused(413, "oversized", "the bundle is larger than this hub accepts; the laptop "
                                        "splits it into smaller ones", max_bytes=max_bytes)
    try:
        sealed = seal.parse(body, kind="push", max_bytes=max_bytes)
    except ProtocolError as exc:
        raise Refused.from_protocol(exc) from None
    except RecursionError:  # JSON nested deeper than the decoder goes
        raise _malformed("the header line is not a signed header") from None
    header = sealed.header
    seq = header.get("seq")
    if not (isinstance(header.get("bundle_id"), str) and _UUID.match(header["bundle_id"])):
        raise _malformed("the bundle id is not a UUID")
    if not isinstance(header.get("device_id"), str) or len(header["device_id"]) > 64:
        raise _malformed("the bundle does not name its device")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= _MAX_SEQ:
        raise _malformed("the bundle's sequence number is not a positive whole number")
    if not (isinstance(header.get("prev_hash"), str) and _HEX64.match(header["prev_hash"])):
        raise _malformed("the bundle's previous hash is not a SHA-256")
    if not isinstance(header.get("hub_kid"), str):
        raise _malformed("the bundle does not name the hub key it is sealed to")
    return sealed


def _revoked(keys: HubKeys, device_id: str, now_ms: int) -> Refused:
    return Refused(403, "revoked", "this device was revoked at the hub; it must not keep case "
                                   "data", wipe=wipe_order(keys, device_id=device_id, now_ms=now_ms))


def _check_op(op: Op) -> None:
    if not (_UUID.match(op.op_id) and _UUID.match(op.case_id)):
        raise _malformed("an operation's id or case id is not a UUID")
    if not (_ENTITY.match(op.entity) and _KIND.match(op.kind) and _ENTITY_ID.match(op.entity_id)):
        raise _malformed("an operation's entity, kind or entity id is not in the wire form")
    if _UNSTORABLE.search(op.author):
        raise _malformed("an operation's author holds control characters")
    if not _shallow(op.value):
        raise _malformed("an operation's value is nested too deeply")


def _open_payload(keys: HubKeys, sealed: seal.Sealed) -> PushPayload:
    """Step 7: decrypt and validate; the payload must repeat the header's id, device and seq."""
    header = sealed.header
    if header["hub_kid"] != keys.kid:
        raise Refused(400, "undecryptable", "the bundle is sealed to another hub key")
    try:
        raw = sealed.decrypt(keys.pairs.sealing)
    except ProtocolError as exc:
        raise Refused.from_protocol(exc) from None
    except RecursionError:
        raise _malformed("the bundle's contents are nested too deeply") from None
    try:
        payload = PushPayload.model_validate(raw)
    except (ValidationError, RecursionError):
        raise _malformed("the bundle's contents are not a valid push payload") from None
    if (payload.bundle_id, payload.device_id, payload.seq) != (
            header["bundle_id"], header["device_id"], header["seq"]):
        raise _malformed("the bundle's contents do not match its header")
    for op in payload.ops:
        _check_op(op)
    return payload


def _upsert_cases(conn: Connection, rows: list[dict[str, Any]]) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(cases)
    stmt = stmt.on_conflict_do_update(index_elements=[cases.c.case_id], set_={
        "rev": stmt.excluded.rev, "allocated_to": stmt.excluded.allocated_to,
        "bcu": stmt.excluded.bcu, "police_ref": stmt.excluded.police_ref,
        "updated_at": stmt.excluded.updated_at})
    conn.execute(stmt, rows)


def _ms(at: Any) -> int | None:
    return None if at is None else int(at.timestamp() * 1000)


def _store_conflicts(conn: Connection, keys: HubKeys, found: dict[str, Any],
                     opened: list[str] | None) -> None:
    """The conflicts table as the replayed cases hold them (``found``: case id -> tables): each
    case's rows replaced by its replay's, so any order of delivery gives the same rows. The ids
    of conflicts open now that were not open before go into ``opened``."""
    ids = sorted(found)
    before: dict[str, str] = {}
    for part in casedata.chunks(ids):
        before.update(conn.execute(select(conflicts.c.conflict_id, conflicts.c.state)
                                   .where(conflicts.c.case_id.in_(part))).all())
    rows = []
    for case_id in ids:
        tables = found[case_id]
        for c in () if tables is None else tables.conflicts:
            detail = {"sides": c["sides"], "in_force": c["in_force"], "reason": c["reason"]}
            rows.append({"conflict_id": c["conflict_id"], "case_id": case_id, "field": c["field"],
                         "state": c["state"],
                         "detail": casedata.seal_detail(keys, conflict_id=c["conflict_id"],
                                                        detail=detail),
                         "created_at": _ms(c["opened_at"]), "resolved_at": _ms(c["resolved_at"]),
                         "resolved_by": c["resolved_by"] or None})
            if opened is not None and c["state"] == "open" and before.get(c["conflict_id"]) != "open":
                opened.append(c["conflict_id"])
    if not before and not rows:
        return
    # A case replay cannot rebuild keeps the rows it had.
    rebuilt = [case_id for case_id in ids if found[case_id] is not None]
    for part in casedata.chunks(rebuilt):
        conn.execute(conflicts.delete().where(conflicts.c.case_id.in_(part)))
    if rows:
        conn.execute(conflicts.insert(), rows)


def bump_cases(conn: Connection, keys: HubKeys, case_ids: list[str], *, now_ms: int,
               opened: list[str] | None = None,
               fresh: dict[str, list[Op]] | None = None) -> dict[str, int]:
    """Give each case a new rev from the change counter (distinct, in case id order) and store
    its scope fields and conflicts from the replay of its current ops. Inside the writer's
    transaction; ``opened`` collects the ids of conflicts this opened. ``fresh``: cases the hub
    held nothing of before this transaction, with their ops, replayed from those instead of
    reading back (and decrypting) the rows just inserted."""
    touched = sorted(set(case_ids))
    if not touched:
        return {}
    top = conn.execute(update(counters).where(counters.c.name == CHANGE_COUNTER)
                       .values(value=counters.c.value + len(touched))
                       .returning(counters.c.value)).scalar_one()
    revs = {case_id: int(top) - len(touched) + 1 + i for i, case_id in enumerate(touched)}
    rows = []
    for part in casedata.chunks(touched):
        before = {r.case_id: casedata.Scope(r.allocated_to, r.bcu, r.police_ref)
                  for r in conn.execute(select(cases).where(cases.c.case_id.in_(part)))}
        found = {}
        given = {c: fresh[c] for c in part if fresh and fresh.get(c)}
        stored = casedata.case_ops(conn, keys, [c for c in part if c not in given])
        for case_id in part:
            case_ops = given[case_id] if case_id in given else stored[case_id]
            tables = found[case_id] = casedata.tables_of(case_id, case_ops)
            # A case replay cannot rebuild keeps the scope it had (none if it is new).
            scope = (casedata.scope_of(tables) if tables is not None
                     else before.get(case_id, casedata.Scope(None, None, None)))
            rows.append({"case_id": case_id, "rev": revs[case_id],
                         "allocated_to": scope.allocated_to, "bcu": scope.bcu,
                         "police_ref": scope.police_ref, "updated_at": now_ms})
        _store_conflicts(conn, keys, found, opened)
    _upsert_cases(conn, rows)
    return revs


def _known_cases(conn: Connection, case_ids: list[str]) -> dict[str, str | None]:
    """case id -> its allocation on the hub, for each of ``case_ids`` the hub holds."""
    known: dict[str, str | None] = {}
    for part in casedata.chunks(sorted(set(case_ids))):
        rows = conn.execute(select(cases.c.case_id, cases.c.allocated_to)
                            .where(cases.c.case_id.in_(part)))
        known.update((case_id, allocated_to) for case_id, allocated_to in rows)
    return known


def _known_op_ids(conn: Connection, op_ids: list[str]) -> set[str]:
    known: set[str] = set()
    for part in casedata.chunks(sorted(set(op_ids))):
        known.update(conn.execute(select(ops.c.op_id).where(ops.c.op_id.in_(part))).scalars())
    return known


def _apply(conn: Connection, keys: HubKeys, *, device: Device, payload: PushPayload,
           sealed: seal.Sealed, digest: str, now_ms: int) -> dict[str, Any]:
    """Step 8, inside the caller's transaction; returns the signed receipt."""
    header = sealed.header
    known = _known_op_ids(conn, [op.op_id for op in payload.ops])
    new: list[Op] = []
    seen: set[str] = set()
    duplicates = 0
    for op in payload.ops:
        if op.op_id in known or op.op_id in seen:
            duplicates += 1
            continue
        seen.add(op.op_id)
        new.append(op)
    quarantined = [op.op_id for op in new if hlc.too_far_ahead(op.hlc, hub_ms=now_ms)]
    held = set(quarantined)
    known_cases = _known_cases(conn, [op.case_id for op in new])
    refused = authority.refusals(device, [op for op in new if op.op_id not in held],
                                 known_cases=known_cases)
    held.update(refused)
    rows = []
    for op in new:
        try:
            sealed_value = casedata.seal_value(keys, op_id=op.op_id, value=op.value)
        except (ValueError, UnicodeEncodeError, RecursionError):
            raise _malformed("an operation's value cannot be stored as JSON text") from None
        rows.append({"op_id": op.op_id, "case_id": op.case_id, "device_id": device.device_id,
                     "entity": op.entity, "entity_id": op.entity_id, "kind": op.kind,
                     "hlc": op.hlc, "author": op.author, "sealed_value": sealed_value,
                     "quarantined": op.op_id in quarantined,
                     "refused": refused[op.op_id].code if op.op_id in refused else None,
                     "received_seq": header["seq"],
                     "received_at": now_ms})
    if rows:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(dialect.insert(ops).on_conflict_do_nothing(index_elements=[ops.c.op_id]),
                     rows)
    # A case whose op was held back gets a new rev too (when the hub holds it), so the device
    # that made the change is sent the hub's copy again in place of its own.
    touched = [op.case_id for op in new if op.op_id not in held or op.case_id in known_cases]
    opened: list[str] = []
    # A case the hub held no record of has no ops stored before this bundle that count (refused
    # and quarantined ones never do): its applied ops are all here.
    fresh: dict[str, list[Op]] = {}
    for op in new:
        if op.op_id not in held and op.case_id not in known_cases:
            fresh.setdefault(op.case_id, []).append(op)
    bump_cases(conn, keys, touched, now_ms=now_ms, opened=opened, fresh=fresh)
    receipt = seal.sign_statement({
        "type": "receipt", "bundle_id": header["bundle_id"], "device_id": device.device_id,
        "seq": header["seq"], "sha256": digest, "applied": len(new) - len(held),
        "duplicates": duplicates, "quarantined": quarantined,
        "refused": [r.statement() for r in refused.values()], "conflicts": opened,
        "hub_time": now_ms}, keys.pairs.signing)
    conn.execute(received_bundles.insert().values(
        bundle_id=header["bundle_id"], device_id=device.device_id, seq=header["seq"],
        sha256=digest, header_hash=sealed.header_hash(), receipt=receipt, received_at=now_ms))
    head = payload.audit_head
    values: dict[str, Any] = {"last_seq": header["seq"], "last_header_hash": sealed.header_hash(),
                              "last_seen": now_ms}
    if head is not None:
        values.update(audit_head_seq=head.seq, audit_head_hash=head.hash)
    conn.execute(update(devices).where(devices.c.device_id == device.device_id).values(**values))
    audit.append(conn, at=now_ms, actor=device.user or device.device_id,
                 action=audit.Action.COLLECTION, record_type="bundle",
                 record_id=header["bundle_id"], recipient="hub",
                 purpose=f"sync push from device {device.device_id}: {len(new)} new operations")
    return receipt


def accept_bundle(db: Database, keys: HubKeys, *, device: Device, body: bytes, max_bytes: int,
                  now_ms: int) -> dict[str, Any]:
    """The answer to ``POST /v1/bundles`` for an authenticated ``device`` (step 3 is the
    caller's: :func:`sync.hub.service.auth.authenticate`); raises Refused for a refusal."""
    sealed = precheck(body=body, max_bytes=max_bytes)                                # 1, 2
    header = sealed.header
    if header["device_id"] != device.device_id:                                       # 4
        raise Refused(401, "bad_signature", "the bundle names another device than the caller")
    try:
        sealed.verify(device.signing_public())
    except (BadSignature, ValueError):
        raise Refused(401, "bad_signature", "the bundle is not signed by this device's key") from None
    digest = sha256_hex(body)
    bundle_id, seq = header["bundle_id"], header["seq"]
    with db.begin() as conn:
        current = load(conn, device.device_id, lock=True)
        if current is None:
            raise Refused(403, "unknown_device", "this hub does not know the device")
        if current.state == REVOKED:
            raise _revoked(keys, current.device_id, now_ms)
        known = conn.execute(select(received_bundles.c.device_id, received_bundles.c.sha256,
                                    received_bundles.c.receipt)
                             .where(received_bundles.c.bundle_id == bundle_id)).first()
        if known is not None:                                                         # 5
            if known.device_id == current.device_id and known.sha256 == digest:
                log.info("bundle duplicate", extra={"device_id": current.device_id,
                                                    "bundle_id": bundle_id, "seq": seq})
                return {"status": "duplicate", "receipt": known.receipt}
            log.warning("bundle id reused with other content",
                        extra={"device_id": current.device_id, "bundle_id": bundle_id})
            raise Refused(409, "bundle_id_reused", "a different bundle was already received "
                                                   "under this bundle id")
        expected = current.last_seq + 1                                               # 6
        if seq != expected:
            log.warning("bundle out of sequence", extra={"device_id": current.device_id,
                                                         "seq": seq, "expected_seq": expected})
            raise Refused(409, "seq_gap", "the bundle is not the next one the hub expects from "
                                          "this device", expected_seq=expected)
        if header["prev_hash"] != current.last_header_hash:
            log.warning("bundle fork", extra={"device_id": current.device_id, "seq": seq})
            raise Refused(409, "fork", "the bundle does not follow the last bundle the hub "
                                       "received from this device", expected_seq=expected)
        payload = _open_payload(keys, sealed)                                         # 7
        receipt = _apply(conn, keys, device=current, payload=payload, sealed=sealed,  # 8
                         digest=digest, now_ms=now_ms)
    statement = receipt["statement"]
    log.info("bundle applied", extra={"device_id": device.device_id, "bundle_id": bundle_id,
                                      "seq": seq, "applied": statement["applied"],
                                      "duplicates": statement["duplicates"],
                                      "quarantined": len(statement["quarantined"]),
                                      "conflicts": len(statement["conflicts"])})
    return {"status": "applied", "receipt": receipt}                                  # 9
