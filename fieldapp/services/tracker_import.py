"""Import a tracker v1 file into the vault: whole rows or none, idempotent, audited.

Rows are applied in batches, each batch one transaction. New rows go in with set-based inserts
(the 100,000-row target); changed rows are updated one by one and audited as alterations. A
cancel is honoured between batches, so only whole rows are ever saved and the report says where
the import stopped.

Two threads share the work: this one reads and checks rows and does every batch's Python (the
lookups, updates, outbox and audit rows); a second one runs the batch's big inserts and its
commit, which SQLite does without the GIL, while this one reads the next batch. They hand the
session over in turn and never use it at the same time.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from fieldapp.domain.clock import utc_now
from fieldapp.services import capture, tracker_bulk
from fieldapp.services.tracker_rows import COLUMN_REFERRAL, tracker_rows
from fieldapp.services.visit_write import plain
from fieldapp.store import audit, orm, outbox
from fieldapp.store.audit import Action
from fieldapp.store.engine import utc_text
from fieldapp.store.uow import UnitOfWork
from fieldapp.tracker import RowRejection, TrackerRow, read_tracker

BATCH_ROWS = 20_000
"""Most rows per transaction. Every batch rewrites (and re-encrypts) most pages of the indexes
keyed by random ids (visit ids come from the sheet), so fewer, larger batches write far less; a
20,000-row batch is written in about two seconds, so a cancel lands within two or three."""
FIRST_BATCH_ROWS = 2_500
"""The first batch is small, so writing starts early; each next one doubles up to BATCH_ROWS."""
IMPORT_CACHE_KIB = 131_072
"""SQLite page cache (KiB) while a batch is written: a batch's changed pages stay in memory
until the commit instead of being written out (and encrypted) part way and again at the end,
and index pages are not re-read and decrypted. Put back before the commit, so the connection
goes back to the pool with its usual cache."""
_ROW_FIELDS = tuple(TrackerRow.model_fields)
_Batch = dict[uuid.UUID, tuple[int, TrackerRow, tracker_bulk.Prepared]]
"""visit id -> (line, row, the row's stored form should it be new)"""


@dataclass
class ImportReport:
    file_name: str
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowRejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False
    stopped_after_line: int | None = None

    @property
    def rows_seen(self) -> int:
        return self.imported + self.updated + self.unchanged + len(self.rejected)

    def summary(self) -> str:
        text = (f"{self.file_name}: {self.imported} imported, {self.updated} updated, "
                f"{self.unchanged} unchanged, {len(self.rejected)} rejected")
        if self.cancelled:
            text += f"; cancelled after line {self.stopped_after_line} (every row up to it is saved whole)"
        return text

    def to_csv(self) -> bytes:
        """The row-level report: line, column, reason (never the cell's value)."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(["line", "column", "reason"])
        for rejection in self.rejected:
            writer.writerow([rejection.line, rejection.column, rejection.reason])
        for warning in self.warnings:
            writer.writerow(["", "", f"warning: {warning}"])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")


def import_tracker(
    *, uow: UnitOfWork, path: Path, progress: Callable[[int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None, uk_dates: bool = False,
) -> ImportReport:
    """Read ``path`` and apply it; commits each batch. ``progress`` gets the last line committed.

    One batch is written (on a second thread) while the next is read and checked: the writes run
    mostly inside SQLite, which lets go of the GIL, so the two overlap on a two-core machine. The
    session is only ever used by one thread at a time: the reader waits for the writer before
    it hands over the next batch, and before it returns or raises.
    """
    with read_tracker(path, uk_dates=uk_dates) as reader, _Writer() as writer:
        report = ImportReport(file_name=reader.name)
        batch: _Batch = {}
        pending: list[RowRejection] = []  # read but not yet handed over with a batch
        last_line = reader.header_line
        limit = min(FIRST_BATCH_ROWS, BATCH_ROWS)
        pseudonyms = {p for (p,) in uow.dbapi().execute("SELECT pseudonym FROM cases")}
        for count, item in enumerate(reader):
            if isinstance(item, RowRejection):
                pending.append(item)
                last_line = item.line
                continue
            if count % 512 == 0 and writer.busy() and should_cancel and should_cancel():
                break  # stop reading; the batch being written is still committed below
            line = reader.current_line
            if item.visit_id in batch or len(batch) >= limit:
                if _finished(writer, report, progress, should_cancel):
                    return report
                _hand_over(writer, uow, batch, pending, report, last_line, reader.warnings)
                batch, pending, limit = {}, [], min(2 * limit, BATCH_ROWS)
            # Stored form made here, while the previous batch is written on the other thread.
            batch[item.visit_id] = (line, item, tracker_bulk.prepare(item, pseudonyms=pseudonyms))
            last_line = line
        else:
            if _finished(writer, report, progress, should_cancel):
                return report
            _hand_over(writer, uow, batch, pending, report, last_line, reader.warnings)
            _finished(writer, report, progress, None)
            report.warnings = reader.warnings
            return report
        # Cancelled while reading: what was handed over is committed, the rest is not written.
        _finished(writer, report, progress, lambda: True)
        return report


class _Writer:
    """One batch at a time on a second thread; the result (or error) is collected by wait()."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldapp-import")
        self._job: Future[None] | None = None
        self.done: tuple[int, list[str]] | None = None  # (last line, warnings) of the last batch

    def submit(self, fn: Callable[[], None], done: tuple[int, list[str]]) -> None:
        assert self._job is None
        self._job, self.done = self._pool.submit(fn), done

    def busy(self) -> bool:
        return self._job is not None and not self._job.done()

    def wait(self) -> tuple[int, list[str]] | None:
        """Block until the batch in hand is committed (re-raising its error); its (line, warnings)."""
        job, self._job = self._job, None
        if job is None:
            return None
        job.result()
        return self.done

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        # Even when the reader fails, the session must be idle before the caller rolls back.
        if self._job is not None:
            futures.wait([self._job])
        self._pool.shutdown(wait=True)


def _hand_over(writer: _Writer, uow: UnitOfWork, batch: _Batch,
               pending: list[RowRejection], report: ImportReport, last_line: int,
               warnings: list[str]) -> None:
    # Rejections the reader found come before those the batch adds, as when it ran inline.
    report.rejected.extend(pending)
    writer.submit(_stage(uow, batch, report), (last_line, warnings))


def _finished(writer: _Writer, report: ImportReport, progress: Callable[[int], None] | None,
              should_cancel: Callable[[], bool] | None) -> bool:
    """Wait for the batch in hand, report its progress; True when the import should stop there."""
    done = writer.wait()
    if done is None:
        return False
    line, warnings = done
    if progress:
        progress(line)
    if should_cancel and should_cancel():
        report.cancelled, report.stopped_after_line = True, line
        report.warnings = warnings
        return True
    return False


def _stage(uow: UnitOfWork, batch: _Batch, report: ImportReport) -> Callable[[], None]:
    """Everything for a batch that runs Python, here on the reading thread (while the writer is
    idle): the lookups, updates, outbox and audit rows. Returns the rest for the writer thread:
    the new rows' set-based inserts and the commit, which run inside SQLite without the GIL.
    (Python on the writer thread ran at half speed beside the reader, and the reader's batch
    waited for it.)"""
    if not batch:
        return _nothing  # a file of rejected rows only: progress is still reported
    rows, now = _apply_rows(uow, batch, report)
    uow.dbapi()  # pending ORM changes flushed here, not on the writer thread
    return lambda: _apply(uow, rows, now)


def _nothing() -> None:
    return None


def _apply(uow: UnitOfWork, rows: list[str], now: datetime) -> None:
    """The writer thread's part of a batch: the new rows' set-based inserts, then the commit."""
    db = uow.dbapi()
    usual = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    try:
        tracker_bulk.insert_rows(db, rows, at=utc_text(now), actor=uow.actor)
    finally:
        db.execute(f"PRAGMA cache_size = {int(usual)}")
    uow.commit()


def _apply_rows(uow: UnitOfWork, batch: _Batch, report: ImportReport) -> tuple[list[str], datetime]:
    """Probe, refuse, update and log the batch; the new rows' JSON (tracker_bulk) and the time."""
    found = _existing_ids(uow, list(batch))
    existing = ({row.visit_id: row for row in tracker_rows(uow=uow, visit_ids=found)}
                if found else {})
    checklists = set(uow.session.scalars(select(orm.RiskAssessment.visit_id).where(
        orm.RiskAssessment.visit_id.in_(list(existing)), orm.RiskAssessment.answers.is_not(None)))
    ) if existing else set()
    for visit_id in list(batch):
        line, row, _ = batch[visit_id]
        old = existing.get(visit_id)
        if visit_id in checklists and old is not None and (
                (old.dash_score, old.marac_referral) != (row.dash_score, row.marac_referral)):
            # The app's own checklist is the record; a sheet must not silently overwrite it.
            column = "dash_score" if old.dash_score != row.dash_score else "marac_referral"
            report.rejected.append(RowRejection(line, column, (
                "differs from the risk checklist recorded in the app for this visit; change the "
                "checklist in the app, or make the sheet agree with it")))
            del batch[visit_id]
    new_rows = [new for _, row, new in batch.values() if row.visit_id not in existing]
    now = utc_now()
    if new_rows:  # their outbox and audit rows; the rows themselves go in on the writer thread
        outbox.enqueue_many(uow.session, [new.operation for new in new_rows])
        audit.append_many(uow.session, actor=uow.actor, at=now, entries=[new.entry for new in new_rows])
    for _, row, _ in batch.values():
        old = existing.get(row.visit_id)
        if old is None:
            continue
        if old == row:
            report.unchanged += 1
            continue
        _update(uow, old, row, now)
        report.updated += 1
    report.imported += len(new_rows)
    return [new.values for new in new_rows], now


def _existing_ids(uow: UnitOfWork, ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """Which of ``ids`` the vault already holds: one statement (one primary-key probe per id)."""
    found = uow.dbapi().execute(
        "SELECT id FROM visits WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps([str(i) for i in ids]),))
    return [uuid.UUID(v) for (v,) in found]


def _stamp(uow: UnitOfWork, now: datetime) -> dict:
    return {"created_at": now, "created_by": uow.actor, "updated_at": now, "updated_by": uow.actor,
            "row_version": 1}


def _visit_values(row: TrackerRow) -> dict:
    return {"idva_visit_at": row.idva_visit_at, "mode": plain(row.visit_mode), "idva_code": row.idva_code or "",
            "police_risk_grade": plain(row.police_risk_grade), "repeat_victim": row.repeat_victim,
            "repeat_suspect": row.repeat_suspect, "children_in_household": row.children_in_household,
            "safe_to_talk": None, "suspect_location": None, "encompass_notified": None}


def _offer_values(row: TrackerRow) -> list[dict]:
    values = []
    for offer_type, decision in (("IDVA_SUPPORT", row.idva_support),
                                 ("PROSECUTION_SUPPORT", row.prosecution_support)):
        if decision is not None:
            values.append({"offer_type": offer_type, "target": "", "status": decision.value,
                           "decline_reason": None})
    for column, target in COLUMN_REFERRAL.items():
        decision = getattr(row, column)
        if decision is not None:
            values.append({"offer_type": "REFERRAL", "target": target, "status": decision.value,
                           "decline_reason": None})
    return values


def _update(uow: UnitOfWork, old: TrackerRow, row: TrackerRow, now: datetime) -> None:
    s = uow.session
    visit = s.get(orm.Visit, row.visit_id)
    case = visit.case
    changed = [k for k in _ROW_FIELDS if getattr(old, k) != getattr(row, k)]
    for key, value in _visit_values(row).items():
        if key in ("safe_to_talk", "suspect_location", "encompass_notified"):
            continue  # not tracker columns: what the IDVA recorded stays
        setattr(visit, key, value)
    if row.idva_code and (row.idva_code != old.idva_code or not case.allocated_to):
        # As for a new row (tracker_bulk): the sheet's IDVA is the case's allocation, so their
        # imported cases are under their "My cases".
        case.allocated_to = row.idva_code
    case.police_ref, case.bcu, case.district = row.police_incident_ref, row.bcu.value, row.district or ""
    case.police_visit_at = row.police_visit_at
    case.incident.police_ref, case.incident.bcu = row.police_incident_ref, row.bcu.value
    case.incident.district, case.incident.police_visit_at = row.district or "", row.police_visit_at
    wanted = {(o["offer_type"], o["target"]): o for o in _offer_values(row)}
    for offer in list(visit.offers):
        key = (offer.offer_type, offer.target)
        if key[0] == "SAFETY_PLAN" or (key[0] == "REFERRAL" and key[1] not in COLUMN_REFERRAL.values()):
            continue  # not carried by the tracker
        if key not in wanted:
            visit.offers.remove(offer)
        elif offer.status != wanted[key]["status"]:
            offer.status, offer.decline_reason = wanted[key]["status"], None
        wanted.pop(key, None)
    for values in wanted.values():
        visit.offers.append(orm.Offer(visit_id=visit.id, **values, **_stamp(uow, now)))
    extra = s.get(orm.TrackerExtra, visit.id) or orm.TrackerExtra(visit_id=visit.id)
    extra.dash_score, extra.marac_referral = row.dash_score, row.marac_referral
    extra.victim_goals = [g.value for g in row.victim_goals]
    s.add(extra)
    outcome = s.get(orm.Outcome, case.id)
    if row.outcome_code and outcome is None:
        s.add(orm.Outcome(case_id=case.id, outcome_code=row.outcome_code, **_stamp(uow, now)))
    elif outcome is not None and row.outcome_code != outcome.outcome_code:
        if row.outcome_code:
            outcome.outcome_code = row.outcome_code
        else:
            s.delete(outcome)
    s.flush()
    capture.refresh_first_visit(case)
    for obj in (visit, case):
        obj.updated_at, obj.updated_by, obj.row_version = now, uow.actor, obj.row_version + 1
    uow.audit(Action.ALTERATION, "visit", visit.id, fields=changed, justification="tracker import")
    uow.enqueue("tracker_row", visit.id, "upsert", row.model_dump(mode="json"))
