"""Offline transfer (USB): the same sealed bundles and pull pages as the network path, in files.

``write_transfer_file`` seals pending operations exactly as a sync does, then writes every sealed
bundle (identical bytes to what a network push would send) and a device-signed pull request for
the stored cursor. ``apply_reply_file`` checks and applies the hub's reply exactly as the network
path does: receipts through the same verification, pages through the same opening and
transaction. Applying the same reply twice changes nothing the second time.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from fieldapp.services.sync import bundles, pages, push, state, wipe
from fieldapp.services.sync.errors import Refused, Revoked
from fieldapp.services.sync.report import Refusal, SyncReport
from fieldapp.store import Store
from fieldapp.vault import Vault
from fieldapp.vault.atomic import atomic_write
from sync.protocol import PROTOCOL_VERSION, seal
from sync.protocol.canonical import b64, canonical, unb64

TRANSFER_FORMAT = "fieldapp-transfer"
REPLY_FORMAT = "fieldapp-reply"
MAX_REPLY_BYTES = 512 * 1024 * 1024


def write_transfer_file(*, store: Store, path: Path, now: datetime | None = None,
                        now_ms: int | None = None) -> SyncReport:
    """Seal pending changes and write the transfer file (atomically, 0600) to ``path``."""
    sealed = bundles.seal_all(store=store, now=now)
    with store.uow(read_only=True) as uow:
        db = uow.dbapi()
        enrolment = state.load(db)
        waiting = bundles.stored(db)
        version = state.get(db, state.PROTOCOL_VERSION)
        full = state.get(db, state.FULL_RESTORE) == "1" or (
            version is not None and version != str(PROTOCOL_VERSION))
        cursor = 0 if full else state.get_int(db, state.CURSOR, 0)
    issued = int(time.time() * 1000) if now_ms is None else now_ms
    doc = {
        "format": TRANSFER_FORMAT, "v": 1, "device_id": enrolment.device_id,
        "bundles": [b64(b.body) for b in waiting],
        "pull": seal.sign_statement({"type": "pull_request", "device_id": enrolment.device_id,
                                     "cursor": cursor, "issued_at": issued},
                                    enrolment.pairs.signing),
    }
    atomic_write(Path(path), canonical(doc) + b"\n")
    return SyncReport(device_id=enrolment.device_id, sealed_bundles=sealed.bundles,
                      waiting_bundles=len(waiting), refused=list(sealed.refused))


def _read_reply(path: Path, device_id: str) -> dict[str, Any]:
    try:
        data = Path(path).read_bytes()
    except OSError:
        raise Refused("the reply file could not be read", code="unreadable") from None
    if len(data) > MAX_REPLY_BYTES:
        raise Refused("the reply file is larger than any hub reply", code="oversized")
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise Refused("the file is not a fieldapp reply file", code="malformed") from None
    if not isinstance(doc, dict) or doc.get("format") != REPLY_FORMAT or doc.get("v") != 1:
        raise Refused("the file is not a version 1 fieldapp reply file", code="malformed")
    if doc.get("device_id") != device_id:
        raise Refused("the reply file was made for another laptop; nothing was applied",
                      code="other_device")
    if not isinstance(doc.get("results", []), list) or not isinstance(doc.get("pages", []), list):
        raise Refused("the reply file is not in the expected form", code="malformed")
    return doc


def apply_reply_file(*, vault: Vault, store: Store, path: Path,
                     now: datetime | None = None) -> SyncReport:
    """Acknowledge the bundles the reply's receipts prove received, and apply its pages.

    Raises HubNotTrusted for a receipt or page not from the pinned hub, and Revoked after
    carrying out a valid wipe order in the reply (a forged one is ignored: HubNotTrusted).
    """
    with store.uow(read_only=True) as uow:
        enrolment = state.load(uow.dbapi())
    doc = _read_reply(path, enrolment.device_id)
    report = SyncReport(device_id=enrolment.device_id)
    if "wipe" in doc:
        if wipe.verify_order(doc["wipe"], enrolment=enrolment) is not None:
            wipe.wipe_folder(vault.folder, close=vault.lock)
            raise Revoked("the station hub revoked this laptop, so its vault was wiped as "
                          "ordered. Ask your coordinator before using it again.")
        from fieldapp.services.sync.errors import HubNotTrusted

        raise HubNotTrusted("the reply file holds a wipe order that is not signed by the hub "
                            "key pinned at enrolment, so nothing was wiped or applied. Tell "
                            "your coordinator.")
    with store.uow(read_only=True) as uow:
        by_id = {b.bundle_id: b for b in bundles.stored(uow.dbapi(), only_sealed=False)}
    for result in doc.get("results", []):
        if not isinstance(result, dict):
            continue
        bundle = by_id.get(str(result.get("bundle_id", "")))
        if result.get("status") in ("applied", "duplicate") and bundle is not None:
            with store.uow() as uow:
                acked = bundles.acknowledge(uow=uow, enrolment=enrolment, bundle=bundle,
                                            receipt=result.get("receipt"), now=now)
                uow.commit()
            if not acked.already:
                push.count_acked(report, acked)
        elif result.get("status") not in ("applied", "duplicate"):
            code = str(result.get("error", "refused"))
            if code == "seq_gap" and bundle is not None and bundle.state == "acked":
                continue
            report.refused.append(Refusal(
                what="bundle", code=code, ref=str(result.get("bundle_id", "")),
                reason=f"the hub refused a bundle from the file ({code}); it is sent again "
                       "next time"))
    _apply_pages(store, enrolment, doc.get("pages", []), report)
    with store.uow(read_only=True) as uow:
        report.waiting_bundles = len(bundles.stored(uow.dbapi()))
    return report


def _apply_pages(store: Store, enrolment: state.Enrolment, items: list, report: SyncReport) -> None:
    with store.uow(read_only=True) as uow:
        db = uow.dbapi()
        cursor = state.get_int(db, state.CURSOR, 0)
        full = state.get(db, state.FULL_RESTORE) == "1"
    result = pages.Applied()
    opened = []
    for item in items:
        try:
            body = unb64(item) if isinstance(item, str) else b""
        except ValueError:
            body = b""
        if not body:
            raise Refused("a page in the reply file is not base64", code="malformed")
        opened.append(pages.open_page(body, enrolment=enrolment))
    if not opened:
        return
    first = opened[0]
    if first.cursor_from > cursor or (full and first.cursor_from != 0):
        report.refused.append(Refusal(
            what="page", code="wrong_cursor",
            reason="the reply's changes do not follow on from this laptop's (an older or "
                   "newer reply?); write a new transfer file"))
        return
    restoring = full and first.cursor_from == 0
    for number, page in enumerate(opened):
        if number and page.cursor_from != opened[number - 1].cursor_to:
            report.refused.append(Refusal(what="page", code="wrong_cursor",
                                          reason="the reply's pages are not in order"))
            break
        pages.apply_one(store=store, page=page, result=result, restoring=restoring,
                        first=number == 0)
    last = opened[-1]
    with store.uow() as uow:
        db = uow.dbapi()
        if not last.more:
            if restoring:
                pages.finish_full_restore(uow=uow, seen=result.seen, result=result)
                state.delete(db, state.FULL_RESTORE)
            if last.scope_hash == pages.local_scope_hash(uow.dbapi()):
                state.put(uow.dbapi(), state.PROTOCOL_VERSION, PROTOCOL_VERSION)
            else:
                state.put(uow.dbapi(), state.FULL_RESTORE, "1")  # the next sync restores
                report.refused.append(Refusal(
                    what="scope", code="scope_mismatch",
                    reason="the cases on this laptop differ from the hub's list for it: the next "
                           "sync (or transfer file) asks for all of them again"))
        uow.commit()
    report.received_cases += result.received
    report.new_cases += result.new
    report.changed_cases += result.changed
    report.removed_cases += result.removed
    report.deferred_cases = result.deferred
    report.refused.extend(result.refused)
    report.full_restore = restoring
