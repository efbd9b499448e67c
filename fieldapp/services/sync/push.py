"""Push: send every sealed bundle, in seq order, and acknowledge each from its signed receipt.

``POST /v1/bundles`` with the stored bytes and ``Idempotency-Key: bundle_id``. A 409 ``seq_gap``
whose ``expected_seq`` names an earlier bundle (the hub lost some, e.g. restored from a backup)
resends the stored bundles from there, identical bytes; a 413 (the hub's limit went down since
they were sealed) unseals the waiting bundles once and seals their operations again at the new
limit (none of them was accepted, so nothing is sent twice under two ids). Anything else that is
refused stops the push: the bundles wait, sealed, for the next sync.
"""

from __future__ import annotations

import logging
from datetime import datetime

from fieldapp.services.sync import bundles, state
from fieldapp.services.sync.client import Answer, HubClient
from fieldapp.services.sync.errors import Refused
from fieldapp.services.sync.refusals import error_body, raise_for
from fieldapp.services.sync.report import Refusal, SyncReport
from fieldapp.services.sync.state import Enrolment
from fieldapp.store import Store
from sync.protocol.auth import IDEMPOTENCY

log = logging.getLogger(__name__)

PATH = "/v1/bundles"


def _post(client: HubClient, bundle: bundles.StoredBundle) -> Answer:
    return client.call("POST", PATH, body=bundle.body,
                       headers={IDEMPOTENCY: bundle.bundle_id,
                                "Content-Type": "application/octet-stream"})


def _acknowledge(store: Store, enrolment: Enrolment, bundle: bundles.StoredBundle,
                 answer: Answer, report: SyncReport, now: datetime | None) -> None:
    receipt = error_body(answer).get("receipt")
    with store.uow() as uow:
        acked = bundles.acknowledge(uow=uow, enrolment=enrolment, bundle=bundle, receipt=receipt,
                                    now=now)
        uow.commit()
    if not acked.already:
        count_acked(report, acked)


def count_acked(report: SyncReport, acked: bundles.Acked) -> None:
    """A newly acknowledged bundle in the report: its counts, quarantine and refused ops (the
    network push and a reply file both)."""
    report.sent_bundles += 1
    report.sent_ops += acked.ops
    report.duplicate_ops += acked.duplicates
    report.quarantined_ops.extend(acked.quarantined)
    report.conflicts += acked.conflicts
    if acked.ahead_ms:
        report.clock_ahead_minutes = max(report.clock_ahead_minutes or 0,
                                         round(acked.ahead_ms / 60000))
    for refused in acked.refused:
        report.refused.append(Refusal(what="operation", code=refused["code"],
                                      ref=refused["op_id"], reason=refused["reason"]))


def _unseal_waiting(store: Store, new_limit: int | None) -> int:
    """Put the operations of every unacknowledged bundle back to pending and drop the bundles
    (only after the hub refused them by size, before reading any). Returns how many."""
    with store.uow() as uow:
        db = uow.dbapi()
        ids = [r[0] for r in db.execute("SELECT bundle_id FROM sync_bundles WHERE state = 'sealed'")]
        db.executemany("UPDATE outbox SET status = 'pending', bundle_id = NULL WHERE bundle_id = ?",
                       [(i,) for i in ids])
        db.executemany("DELETE FROM sync_bundles WHERE bundle_id = ?", [(i,) for i in ids])
        if new_limit:
            state.put(db, state.MAX_BUNDLE_BYTES, new_limit)
        uow.commit()
    return len(ids)


def push(*, store: Store, client: HubClient, enrolment: Enrolment,
         now: datetime | None = None) -> SyncReport:
    """Send the sealed bundles (seal first with :func:`bundles.seal_all`)."""
    report = SyncReport(device_id=enrolment.device_id)
    resealed = False
    with store.uow(read_only=True) as uow:
        queue = bundles.stored(uow.dbapi())
    resent_from: set[int] = set()
    while queue:
        bundle = queue.pop(0)
        answer = _post(client, bundle)
        if answer.status == 200:
            _acknowledge(store, enrolment, bundle, answer, report, now)
            continue
        body = error_body(answer)
        code = answer.error
        if answer.status == 409 and code == "seq_gap":
            expected = body.get("expected_seq")
            if isinstance(expected, int) and 0 < expected < bundle.seq and expected not in resent_from:
                resent_from.add(expected)
                with store.uow(read_only=True) as uow:
                    queue = bundles.stored(uow.dbapi(), only_sealed=False, from_seq=expected)
                log.info("hub asked for earlier bundles again", extra={"count": len(queue)})
                continue
            report.refused.append(Refusal(
                what="bundle", code=code, ref=bundle.bundle_id,
                reason="the hub's numbering of this laptop's bundles does not match this "
                       "laptop's (was either restored from a backup?); nothing more was sent. "
                       "Tell your coordinator."))
            break
        if answer.status == 413 and not resealed:
            resealed = True
            limit = body.get("max_bytes")
            limit = limit if isinstance(limit, int) and limit >= 4096 else None
            _unseal_waiting(store, limit)
            sealed = bundles.seal_all(store=store, now=now)
            report.refused.extend(sealed.refused)
            with store.uow(read_only=True) as uow:
                queue = bundles.stored(uow.dbapi())
            continue
        if answer.status in (400, 409, 413):
            report.refused.append(Refusal(
                what="bundle", code=code or f"http_{answer.status}", ref=bundle.bundle_id,
                reason=_words(code)))
            break
        try:
            raise_for(answer, enrolment=enrolment, doing="a bundle of changes")
        except Refused as exc:
            report.refused.append(Refusal(what="bundle", code=exc.code, ref=bundle.bundle_id,
                                          reason=str(exc)))
            break
    with store.uow(read_only=True) as uow:
        report.waiting_bundles = len(bundles.stored(uow.dbapi()))
    return report


def _words(code: str) -> str:
    return {
        "fork": "the hub holds a different history of this laptop's bundles (was either "
                "restored from a backup?); nothing more was sent. Tell your coordinator.",
        "bundle_id_reused": "the hub holds a different bundle under this bundle's id; nothing "
                            "more was sent. Tell your coordinator.",
        "oversized": "a bundle is larger than the hub accepts even after sealing it again; it "
                     "waits on this laptop. Tell your coordinator.",
        "undecryptable": "the hub could not open a bundle (its key may have changed since "
                         "enrolment): enrol this laptop again.",
        "wrong_suite": "the hub does not speak this laptop's cipher suite: update fieldapp.",
    }.get(code, f"the hub refused a bundle ({code or 'no reason given'}); it waits on this "
                "laptop. Tell your coordinator if it happens again.")
