"""Pull: the pages of changes in this device's scope, from the stored cursor, until ``more`` is
false; then the scope check (``scope_hash``) and, on a mismatch or a protocol version change, one
full restore from cursor 0 (cases no longer in scope are purged)."""

from __future__ import annotations

import logging

from fieldapp.services.sync import pages, state
from fieldapp.services.sync.client import HubClient
from fieldapp.services.sync.errors import Refused
from fieldapp.services.sync.refusals import raise_for
from fieldapp.services.sync.report import Refusal, SyncReport
from fieldapp.services.sync.state import Enrolment
from fieldapp.store import Store
from sync.protocol import PROTOCOL_VERSION

log = logging.getLogger(__name__)

PATH = "/v1/changes"
LIMIT = 500
MAX_PAGES = 100_000


def _start(store: Store) -> tuple[int, bool, int]:
    """(cursor, full restore?, cases purged now) at the start of a pull."""
    with store.uow() as uow:
        removed = pages.purge_waiting(uow=uow)
        db = uow.dbapi()
        version = state.get(db, state.PROTOCOL_VERSION)
        full = state.get(db, state.FULL_RESTORE) == "1" or (
            version is not None and version != str(PROTOCOL_VERSION))
        if full:
            state.put(db, state.FULL_RESTORE, "1")  # survives a crash until the restore ends
        cursor = 0 if full else state.get_int(db, state.CURSOR, 0)
        uow.commit()
    return cursor, full, removed


def _begin_full_restore(store: Store) -> None:
    with store.uow() as uow:
        state.put(uow.dbapi(), state.FULL_RESTORE, "1")
        uow.commit()


def pull(*, store: Store, client: HubClient, enrolment: Enrolment,
         limit: int = LIMIT) -> SyncReport:
    report = SyncReport(device_id=enrolment.device_id, role=enrolment.role)
    cursor, full, purged = _start(store)
    report.removed_cases += purged
    report.full_restore = full
    restarted = False
    while True:
        result = pages.Applied()
        last: pages.Page | None = None
        at = cursor
        for number in range(MAX_PAGES):
            answer = client.call("GET", f"{PATH}?cursor={at}&limit={limit}")
            if answer.status != 200:
                try:
                    raise_for(answer, enrolment=enrolment, doing="the changes for this laptop")
                except Refused as exc:
                    report.refused.append(Refusal(what="page", code=exc.code, reason=str(exc)))
                    return _counted(report, result)
            page = pages.open_page(answer.body, enrolment=enrolment)
            if page.cursor_from != at:
                report.refused.append(Refusal(
                    what="page", code="wrong_cursor",
                    reason="the hub answered with changes from another point than this laptop "
                           "asked for; nothing of that page was used"))
                return _counted(report, result)
            pages.apply_one(store=store, page=page, result=result, restoring=full,
                            first=number == 0)
            last = page
            if not page.more:
                break
            if page.cursor_to <= at:
                report.refused.append(Refusal(
                    what="page", code="no_progress",
                    reason="the hub said more changes follow but sent none; sync again later"))
                return _counted(report, result)
            at = page.cursor_to
        assert last is not None
        with store.uow() as uow:
            if full:
                pages.finish_full_restore(uow=uow, seen=result.seen, result=result)
                state.delete(uow.dbapi(), state.FULL_RESTORE)
            db = uow.dbapi()
            matches = last.scope_hash == pages.local_scope_hash(db)
            if matches:
                state.put(db, state.PROTOCOL_VERSION, PROTOCOL_VERSION)
            uow.commit()
        _counted(report, result)
        report.open_conflicts = _open_conflicts(store)
        if matches:
            return report
        if full or restarted:
            report.refused.append(Refusal(
                what="scope", code="scope_mismatch",
                reason="after a full restore the cases on this laptop still differ from the "
                       "hub's list for it; sync again, and tell your coordinator if this stays"))
            return report
        log.info("scope hash differs: full restore", extra={"device_id": enrolment.device_id})
        restarted = full = report.full_restore = True
        _begin_full_restore(store)
        cursor = 0


def _open_conflicts(store: Store) -> int:
    with store.uow(read_only=True) as uow:
        return int(uow.dbapi().execute(
            "SELECT count(*) FROM sync_conflicts WHERE state = 'open'").fetchone()[0])


def _counted(report: SyncReport, result: pages.Applied) -> SyncReport:
    report.received_cases += result.received
    report.new_cases += result.new
    report.changed_cases += result.changed
    report.removed_cases += result.removed
    report.deferred_cases = result.deferred
    report.refused.extend(result.refused)
    result.received = result.removed = result.new = result.changed = 0
    result.refused = []
    return report
