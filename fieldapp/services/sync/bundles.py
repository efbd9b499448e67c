"""Sealing the outbox into push bundles, and acknowledging them from the hub's signed receipts.

Sealing happens in one local transaction, before any network call: pending operations (oldest
first) are sealed to the pinned hub key into bundles of at most ``max_bundle_bytes`` each (split
when bigger), numbered ``seq = last + 1`` and chained by ``prev_hash``; the sealed bytes go into
``sync_bundles`` and the operations are marked ``sealed`` with their bundle's id, in the same
commit. Sending later only ever reads those stored bytes, so a retry sends identical bytes.

A receipt acknowledges a bundle only when it verifies with the pinned hub key and names the
bundle's id, seq, this device and the SHA-256 of exactly the bytes stored for it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fieldapp.domain.clock import utc_now
from fieldapp.domain.ids import new_id
from fieldapp.services.sync import ops as wire
from fieldapp.services.sync import state
from fieldapp.services.sync.errors import HubNotTrusted
from fieldapp.services.sync.report import Refusal
from fieldapp.services.sync.state import Enrolment
from fieldapp.store import Store, outbox
from fieldapp.store.audit import Action
from fieldapp.store.engine import utc_text
from fieldapp.store.uow import UnitOfWork
from sync.protocol import seal as wire_seal
from sync.protocol.canonical import ZERO_HASH, canonical, sha256_hex
from sync.protocol.errors import ProtocolError
from sync.protocol.models import MAX_OPS_PER_BUNDLE, AuditHead, Op, PushPayload

log = logging.getLogger(__name__)

UNSENDABLE = "unsendable"
"""Outbox status of an operation whose case is no longer in the vault (it cannot be sealed)."""
_MARGIN = 256
"""Bytes kept spare when estimating a bundle's sealed size (the estimate is then checked)."""


@dataclass
class SealOutcome:
    bundles: int = 0
    ops: int = 0
    refused: list[Refusal] = field(default_factory=list)


@dataclass(frozen=True)
class StoredBundle:
    bundle_id: str
    seq: int
    body: bytes
    state: str


def audit_head(db: Any) -> AuditHead:
    row = db.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return AuditHead(seq=0, hash=ZERO_HASH) if row is None else AuditHead(seq=row[0], hash=row[1])


def _last_bundle(db: Any) -> tuple[int, str, int]:
    """(seq, header hash, audit seq) of the newest bundle, or (0, zeros, 0)."""
    row = db.execute("SELECT seq, header_hash, audit_seq FROM sync_bundles "
                     "ORDER BY seq DESC LIMIT 1").fetchone()
    return (0, ZERO_HASH, 0) if row is None else (row[0], row[1], row[2])


def _pending_ops(uow: UnitOfWork, db: Any, outcome: SealOutcome) -> list[Op]:
    """Pending operations as wire ops, oldest first; one whose case is gone is set aside."""
    rows = wire.assign_bases(db, wire.read_outbox(db, where="status = ?", params=("pending",)))
    while True:
        try:
            return wire.wire_ops(db, rows, author=uow.actor)
        except wire.UnmappedOp as exc:
            db.execute("UPDATE outbox SET status = ? WHERE op_id = ?", (UNSENDABLE, exc.op_id))
            rows = [r for r in rows if str(r[0]) != exc.op_id]
            log.warning("outbox operation set aside: its case is not in the vault",
                        extra={"status": UNSENDABLE})
            outcome.refused.append(Refusal(
                what="operation", code="unmapped", ref=exc.op_id,
                reason="a change whose case is no longer on this laptop cannot be sent"))


def _seal_one(enrolment: Enrolment, *, bundle_id: str, seq: int, prev_hash: str, ops: list[Op],
              head: AuditHead, hlc_text: str) -> bytes:
    payload = PushPayload(bundle_id=bundle_id, device_id=enrolment.device_id, seq=seq, ops=ops,
                          audit_head=head)
    return wire_seal.seal(
        kind="push",
        header_core={"v": 1, "bundle_id": bundle_id, "device_id": enrolment.device_id,
                     "seq": seq, "prev_hash": prev_hash, "hlc": hlc_text,
                     "hub_kid": enrolment.hub_kid},
        payload=payload.model_dump(mode="json"), recipient=enrolment.hub_sealing,
        signer=enrolment.pairs.signing)


def _chunks(sizes: list[int], room: int) -> list[tuple[int, int]]:
    """(start, end) of consecutive ops whose canonical sizes (plus commas) fit in ``room``."""
    chunks, start, used = [], 0, 0
    for i, size in enumerate(sizes):
        if i > start and (used + size + 1 > room or i - start >= MAX_OPS_PER_BUNDLE):
            chunks.append((start, i))
            start, used = i, 0
        used += size + 1
    if start < len(sizes):
        chunks.append((start, len(sizes)))
    return chunks


def seal_pending(*, uow: UnitOfWork, now: datetime | None = None,
                 anchor_audit: bool = True) -> SealOutcome:
    """Seal every pending operation into bundles in ``uow``'s transaction (the caller commits).

    An operation too large for any bundle is refused: those before it are sealed, it and those
    after it stay pending (their order is kept). With no pending operation but an audit chain
    head newer than the last sealed one (and ``anchor_audit``), one bundle without operations
    carries the head to the hub, so rows deleted from the end of the log are found by
    ``fieldapp audit verify``.
    """
    now = now or utc_now()
    db = uow.dbapi()
    enrolment = state.load(db)
    outcome = SealOutcome()
    ops = _pending_ops(uow, db, outcome)
    seq, prev_hash, sealed_audit_seq = _last_bundle(db)
    if not ops and (not anchor_audit or audit_head(db).seq <= sealed_audit_seq):
        return outcome
    limit = enrolment.max_bundle_bytes
    # What a bundle costs beyond its ops' own canonical bytes (header, signature, HPKE
    # encapsulation and tag, the payload's other fields), measured on an empty one.
    probe = _seal_one(enrolment, bundle_id=str(new_id()), seq=seq + 1, prev_hash=prev_hash,
                      ops=[], head=AuditHead(seq=10 ** 12, hash=ZERO_HASH),
                      hlc_text=ops[-1].hlc if ops else _clock_now(uow))
    room = limit - len(probe) - _MARGIN
    sizes = [len(canonical(op.model_dump(mode="json"))) for op in ops]
    for i, size in enumerate(sizes):
        if size + 1 > room:
            outcome.refused.append(Refusal(
                what="operation", code="oversized", ref=ops[i].op_id,
                reason=f"a change is larger than the hub accepts ({size} bytes; a bundle may "
                       f"hold {limit}): it and the changes after it wait on this laptop"))
            ops, sizes = ops[:i], sizes[:i]
            break
    if not ops and (not anchor_audit or audit_head(db).seq <= sealed_audit_seq):
        return outcome
    chunks = _chunks(sizes, room) if ops else [(0, 0)]
    for first, end in chunks:
        bundle_id = str(new_id())
        seq += 1
        chunk = ops[first:end]
        if chunk:  # a disclosure to the hub, logged before the head is read so the head covers it
            uow.audit(Action.DISCLOSURE, "sync_bundle", bundle_id,
                      fields=sorted({op.entity for op in chunk}),
                      justification="sealed for the station hub",
                      recipient=f"station hub {enrolment.hub_kid}")
        head = audit_head(uow.dbapi())
        body = _seal_one(enrolment, bundle_id=bundle_id, seq=seq, prev_hash=prev_hash, ops=chunk,
                         head=head, hlc_text=chunk[-1].hlc if chunk else probe_hlc(probe))
        if len(body) > limit:  # cannot happen with the margin kept; never send an oversized one
            raise RuntimeError("a sealed bundle came out larger than its limit")
        header_hash = wire_seal.parse(body, kind="push").header_hash()
        db = uow.dbapi()
        db.execute(
            "INSERT INTO sync_bundles (bundle_id, seq, body, header_hash, state, op_count, "
            "audit_seq, audit_hash, sealed_at, acked_at, receipt) "
            "VALUES (?, ?, ?, ?, 'sealed', ?, ?, ?, ?, NULL, NULL)",
            (bundle_id, seq, body, header_hash, len(chunk), head.seq, head.hash, utc_text(now)))
        db.executemany("UPDATE outbox SET status = 'sealed', bundle_id = ? WHERE op_id = ?",
                       [(bundle_id, op.op_id) for op in chunk])
        prev_hash = header_hash
        outcome.bundles += 1
        outcome.ops += len(chunk)
    log.info("bundles sealed", extra={"count": outcome.bundles, "op_count": outcome.ops})
    return outcome


def probe_hlc(probe: bytes) -> str:
    return wire_seal.parse(probe, kind="push").header["hlc"]


def _clock_now(uow: UnitOfWork) -> str:
    """A fresh clock reading for a bundle without operations."""
    return outbox.tick(uow.session).encode()


def seal_all(*, store: Store, now: datetime | None = None) -> SealOutcome:
    """:func:`seal_pending` in its own committed transaction."""
    with store.uow() as uow:
        outcome = seal_pending(uow=uow, now=now)
        uow.commit()
        return outcome


# ---- stored bundles and receipts -----------------------------------------------------------------

def stored(db: Any, *, only_sealed: bool = True, from_seq: int = 0) -> list[StoredBundle]:
    sql = "SELECT bundle_id, seq, body, state FROM sync_bundles WHERE seq >= ?"
    if only_sealed:
        sql += " AND state = 'sealed'"
    return [StoredBundle(*row) for row in db.execute(sql + " ORDER BY seq", (from_seq,))]


@dataclass(frozen=True)
class Acked:
    bundle_id: str
    ops: int
    applied: int
    duplicates: int
    quarantined: list[str]
    conflicts: int
    already: bool
    refused: tuple[dict[str, str], ...] = ()
    """``{op_id, code, reason}`` of each operation the hub refused (stored there, not applied)."""
    ahead_ms: int = 0
    """How far the newest quarantined operation's clock was ahead of the hub's (0: none)."""
    """It was acknowledged before (a repeated receipt changes nothing)."""


def check_receipt(receipt: Any, *, enrolment: Enrolment, bundle: StoredBundle) -> dict[str, Any]:
    """The receipt's statement, if it is the pinned hub's receipt for exactly this bundle."""
    try:
        statement = wire_seal.verify_statement(receipt, enrolment.hub_signing, kind="receipt")
    except ProtocolError:
        log.warning("a receipt not signed by the pinned hub key was ignored",
                    extra={"device_id": enrolment.device_id})
        raise HubNotTrusted(
            "the hub's receipt for a bundle is not signed by the hub key pinned at enrolment, so "
            "nothing was marked as sent (it is sent again next time). Tell your coordinator: "
            "this may not be your station's hub.") from None
    expected = {"bundle_id": bundle.bundle_id, "seq": bundle.seq,
                "device_id": enrolment.device_id, "sha256": sha256_hex(bundle.body)}
    if any(statement.get(k) != v for k, v in expected.items()):
        log.warning("a receipt for other bytes was ignored", extra={"device_id": enrolment.device_id})
        raise HubNotTrusted(
            "the hub's receipt does not match the bundle this laptop sent (id, number or "
            "contents), so nothing was marked as sent. Tell your coordinator.")
    return statement


def _ahead_ms(db: Any, op_ids: list[str], hub_time: Any) -> int:
    if not op_ids or not isinstance(hub_time, int):
        return 0
    found = db.execute("SELECT max(hlc) FROM outbox WHERE op_id IN (SELECT value FROM json_each(?))",
                       (json.dumps(op_ids),)).fetchone()[0]
    return max(0, int(found[:15]) - hub_time) if found else 0


def acknowledge(*, uow: UnitOfWork, enrolment: Enrolment, bundle: StoredBundle,
                receipt: Any, now: datetime | None = None) -> Acked:
    """Verify ``receipt`` (HubNotTrusted if it is not this bundle's) and mark the bundle and its
    operations acked, remembering the bundle's audit head as acknowledged (the caller commits)."""
    statement = check_receipt(receipt, enrolment=enrolment, bundle=bundle)
    db = uow.dbapi()
    row = db.execute("SELECT state, op_count, audit_seq, audit_hash FROM sync_bundles "
                     "WHERE bundle_id = ?", (bundle.bundle_id,)).fetchone()
    quarantined = [str(x) for x in statement.get("quarantined") or []]
    conflicts = len(statement.get("conflicts") or [])
    refused = tuple({"op_id": str(r.get("op_id", "")), "code": str(r.get("code", "")),
                     "reason": str(r.get("reason", ""))}
                    for r in statement.get("refused") or [] if isinstance(r, dict))
    result = Acked(bundle_id=bundle.bundle_id, ops=row[1], applied=int(statement.get("applied", 0)),
                   duplicates=int(statement.get("duplicates", 0)), quarantined=quarantined,
                   conflicts=conflicts, already=row[0] == "acked", refused=refused,
                   ahead_ms=_ahead_ms(db, quarantined, statement.get("hub_time")))
    if result.already:
        return result
    db.execute("UPDATE sync_bundles SET state = 'acked', acked_at = ?, receipt = ? "
               "WHERE bundle_id = ?",
               (utc_text(now or utc_now()), canonical(receipt).decode("utf-8"), bundle.bundle_id))
    db.execute("UPDATE outbox SET status = 'acked' WHERE bundle_id = ?", (bundle.bundle_id,))
    acked = state.get_json(db, state.ACKED_AUDIT_HEAD) or {"seq": 0}
    if row[2] >= acked["seq"]:
        state.put_json(db, state.ACKED_AUDIT_HEAD, {"seq": row[2], "hash": row[3]})
    return result
