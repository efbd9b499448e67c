"""A case received from the station hub written into the vault, or a case taken off it.

``apply_case`` replaces everything the vault holds for a case with the rows the hub's ops replay
to (``sync.protocol.replay``), in the caller's transaction (the caller commits, with its pull
cursor): the case's visits, offers, checklists, tracker extras, safe contact and outcome are
deleted and the replayed ones inserted; the incident and case rows are updated in place (an
upsert), and voice entries, which never change once written, are added when new (one the hub's
copy lacks is deleted). The case row's board columns (police reference, BCU, district, police
visit time, first IDVA visit time) are made from the incident and visits, and its pseudonym from
its id. No outbox operation is written (the change came from the hub), one audit row per case
is; drafts are never touched. A case with local operations the hub has not acknowledged is never
overwritten (``PendingLocalChanges``): its change is pushed first and the case asked for again
(docs/sync-protocol.md, pull page).

Rows go in with one statement per table for a whole page of cases (``apply_cases``), in stored
form exactly as the column types store them (``fieldapp.store.types``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, Table

from fieldapp.services.capture import pseudonym_for
from fieldapp.services.sync.ops import outbox_op_ids, pending_case_ids
from fieldapp.store import audit, orm
from fieldapp.store.audit import Action
from fieldapp.store.engine import insert_json, json_text, utc_text
from fieldapp.store.types import IsoDate, JsonText, UtcDateTime
from fieldapp.store.uow import UnitOfWork
from sync.protocol.replay import CaseTables

RECEIVED = "received from the station hub"
APPLY_CACHE_KIB = 131_072
"""SQLite page cache (KiB) while a page of cases is written, as the tracker import has for a
batch: the changed pages stay in memory until the commit instead of being written out (and
encrypted) part way and again at the end. Put back afterwards (the connection is pooled).
Only for pages of at least BIG_PAGE cases: putting the cache back drops the pages it held."""
BIG_PAGE = 1000
ALLOCATED_AWAY = "allocated away"


class PendingLocalChanges(RuntimeError):
    """The case has outbox operations the hub has not acknowledged: push them first."""

    def __init__(self, case_ids: Sequence[str]):
        super().__init__(f"{len(case_ids)} case(s) have local changes not yet acknowledged by the "
                         "station hub; they are pushed before the hub's copy replaces them")
        self.case_ids = list(case_ids)


class IncompleteCase(ValueError):
    """The replayed tables lack the case's incident or case row (their ops are not all there)."""


def case_has_pending_ops(db: Any, case_id: UUID | str) -> bool:
    """Whether the case has outbox rows whose status is not 'acked' (``db``: ``uow.dbapi()``)."""
    return bool(pending_case_ids(db, [str(case_id)]))


# ---- stored form -------------------------------------------------------------------------------

def _bit(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _converter(column: Any) -> Callable[[Any], Any] | None:
    """How a plain value of this column is stored; None when it is stored as it is."""
    kind = column.type
    if isinstance(kind, UtcDateTime):
        return utc_text
    if isinstance(kind, IsoDate):
        return _day
    if isinstance(kind, JsonText):
        return json_text
    if isinstance(kind, Boolean):
        return _bit
    return None  # text (ids are text already), integers


class _Writer:
    """One table's columns (all but an autoincrement id) and how each is stored."""

    def __init__(self, table: Table, *, skip: tuple[str, ...] = ()):
        self.table = table
        columns = [c for c in table.columns if c.name not in skip]
        self.names = tuple(c.name for c in columns)
        self.pick = itemgetter(*self.names)
        self.convert = tuple((i, f) for i, c in enumerate(columns)
                             if (f := _converter(c)) is not None)

    def tuples(self, rows: Iterable[dict], times: dict[datetime, str | None]) -> list[tuple]:
        """Rows in stored form. The rows an op made share its stamps, so each distinct instant
        is turned into text once (``times`` holds those done, across the tables of a page)."""
        pick, convert = self.pick, self.convert
        out = []
        for row in rows:
            values = list(pick(row))
            for i, f in convert:
                value = values[i]
                if value is None:
                    continue
                if f is utc_text:
                    text = times.get(value)
                    if text is None:
                        text = times[value] = utc_text(value)
                    values[i] = text
                else:
                    values[i] = f(value)
            out.append(tuple(values))
        return out

    def write(self, db: Any, rows: list[dict], times: dict[datetime, str | None], *,
              key: str = "", ignore: bool = False) -> None:
        """INSERT the rows; on a clash of ``key`` update the stored row in place (an upsert:
        nothing is deleted, so no foreign key is checked), or with ``ignore`` keep it."""
        values = self.tuples(rows, times)
        if not values:
            return
        if not key and not ignore:
            insert_json(db, self.table, self.names, values)  # many rows: one GIL-free statement
            return
        if ignore:
            clash = " ON CONFLICT DO NOTHING"
        else:
            clash = f" ON CONFLICT({key}) DO UPDATE SET " + ", ".join(
                f"{n} = excluded.{n}" for n in self.names if n != key)
        head = f"INSERT INTO {self.table.name} ({', '.join(self.names)})"
        if len(values) <= _FEW_ROWS:
            db.executemany(f"{head} VALUES ({', '.join('?' for _ in self.names)}){clash}", values)
        else:
            picks = ", ".join(f"value->>{i}" for i in range(len(self.names)))
            # "WHERE true": SQLite's parser needs it between a SELECT and ON CONFLICT.
            db.execute(f"{head} SELECT {picks} FROM json_each(?) WHERE true{clash}",
                       (_rows_json(values),))


_FEW_ROWS = 64
_rows_json = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode

_INCIDENTS = _Writer(orm.Incident.__table__)
_CASES = _Writer(orm.Case.__table__)
_VISITS = _Writer(orm.Visit.__table__)
_OFFERS = _Writer(orm.Offer.__table__, skip=("id",))
_RISKS = _Writer(orm.RiskAssessment.__table__)
_VOICE = _Writer(orm.VoiceEntry.__table__)
_SAFE = _Writer(orm.SafeContact.__table__)
_OUTCOMES = _Writer(orm.Outcome.__table__)
_EXTRAS = _Writer(orm.TrackerExtra.__table__)
_FLAGS = _Writer(orm.CaseFlags.__table__)
_VERSIONS = _Writer(orm.FieldVersion.__table__)
_CONFLICTS = _Writer(orm.SyncConflict.__table__)
_HISTORY = _Writer(orm.FieldHistory.__table__, skip=("id",))

_IDS = "(SELECT value FROM json_each(?1))"
_VISITS_OF = f"(SELECT id FROM visits WHERE case_id IN {_IDS})"
_DELETE_CHILDREN = (  # children first (foreign keys are on); each probe is on an index
    f"DELETE FROM offers WHERE visit_id IN {_VISITS_OF}",
    f"DELETE FROM risk_assessments WHERE visit_id IN {_VISITS_OF}",
    f"DELETE FROM tracker_extras WHERE visit_id IN {_VISITS_OF}",
    f"DELETE FROM visits WHERE case_id IN {_IDS}",
    f"DELETE FROM safe_contacts WHERE case_id IN {_IDS}",
    f"DELETE FROM outcomes WHERE case_id IN {_IDS}",
    f"DELETE FROM case_flags WHERE case_id IN {_IDS}",
    # Replayed from the hub's ops too (migration 0007): the hub's copy replaces them whole.
    f"DELETE FROM field_versions WHERE case_id IN {_IDS}",
    f"DELETE FROM sync_conflicts WHERE case_id IN {_IDS}",
    f"DELETE FROM field_history WHERE case_id IN {_IDS}",
)
# Voice entries are append-only and never change, so those the vault holds already stay and
# only an entry the hub's copy lacks is deleted: deleting one makes SQLite scan the whole table
# for a correction naming it (voice_entries.corrects has no index).
_DELETE_OTHER_VOICE = (f"DELETE FROM voice_entries WHERE case_id IN {_IDS}"
                       " AND id NOT IN (SELECT value FROM json_each(?2))")
# An incident goes with its case (one each); kept while any case still names it.
_DELETE_INCIDENTS = (f"DELETE FROM incidents WHERE id IN {_IDS} AND NOT EXISTS"
                     " (SELECT 1 FROM cases WHERE cases.incident_id = incidents.id)")


def _held(db: Any, case_ids: list[str]) -> tuple[list[str], set[str]]:
    """Which of ``case_ids`` the vault holds, and their incidents."""
    found = db.execute(f"SELECT id, incident_id FROM cases WHERE id IN {_IDS}",
                       (json.dumps(case_ids),)).fetchall()
    return [cid for cid, _ in found], {iid for _, iid in found}


def _case_row(tables: CaseTables) -> dict:
    """The case row with the board's denormalised columns made from the incident and visits."""
    incident, case = tables.incident, tables.case
    assert incident is not None and case is not None
    firsts = [v["idva_visit_at"] for v in tables.visits if v["idva_visit_at"] is not None]
    return {**case, "id": tables.case_id, "incident_id": incident["id"],
            "pseudonym": pseudonym_for(UUID(tables.case_id)),
            "police_ref": incident["police_ref"], "bcu": incident["bcu"],
            "district": incident["district"], "police_visit_at": incident["police_visit_at"],
            "first_idva_visit_at": min(firsts) if firsts else None}


def apply_cases(uow: UnitOfWork, cases: Iterable[CaseTables]) -> int:
    """Write each case's tables in place of what the vault holds for it (one page of a pull),
    on ``uow.dbapi()`` in the caller's transaction; returns how many cases were written.

    Raises PendingLocalChanges (nothing written) when any of them has unacknowledged local
    operations (check with ``case_has_pending_ops`` first and leave those out), IncompleteCase
    when a case lacks its incident or case row. A case given twice is written once, the last.
    """
    by_id = {t.case_id: t for t in cases}
    if not by_id:
        return 0
    for tables in by_id.values():
        if not tables.complete:
            raise IncompleteCase("a case from the hub lacks its incident or case row")
    db = uow.dbapi()
    pending = pending_case_ids(db, by_id)
    if pending:
        raise PendingLocalChanges(sorted(pending))
    ids = list(by_id)
    everything = list(by_id.values())
    held, old_incidents = _held(db, ids)
    if held:  # a first pull of a case, or a full restore, has nothing here to delete
        held_json = json.dumps(held)
        for sql in _DELETE_CHILDREN:
            db.execute(sql, (held_json,))
        db.execute(_DELETE_OTHER_VOICE, (held_json, json.dumps(
            [e["id"] for t in everything for e in t.voice_entries])))
    # The incident and case rows are updated in place: their children need not go.
    times: dict[datetime, str | None] = {}
    big = len(everything) >= BIG_PAGE
    usual = db.execute("PRAGMA cache_size").fetchone()[0] if big else None
    if big:
        db.execute(f"PRAGMA cache_size = {-APPLY_CACHE_KIB}")
    try:
        _INCIDENTS.write(db, [t.incident for t in everything], times, key="id")
        _CASES.write(db, [_case_row(t) for t in everything], times, key="id")
        gone = old_incidents - {t.incident["id"] for t in everything}
        if gone:
            db.execute(_DELETE_INCIDENTS, (json.dumps(sorted(gone)),))
        _VISITS.write(db, [row for t in everything for row in t.visits], times)
        _OFFERS.write(db, [row for t in everything for row in t.offers], times)
        _RISKS.write(db, [row for t in everything for row in t.risk_assessments], times)
        _EXTRAS.write(db, [row for t in everything for row in t.tracker_extras], times)
        _VOICE.write(db, [row for t in everything for row in t.voice_entries], times,
                     ignore=True)
        _SAFE.write(db, [row for t in everything for row in t.safe_contacts], times)
        _OUTCOMES.write(db, [row for t in everything for row in t.outcomes], times)
        _FLAGS.write(db, [row for t in everything for row in t.case_flags], times)
        _VERSIONS.write(db, [row for t in everything for row in t.field_versions], times)
        _CONFLICTS.write(db, [row for t in everything for row in t.conflicts], times)
        _HISTORY.write(db, [row for t in everything for row in t.field_history], times)
    finally:
        if usual is not None:
            db.execute(f"PRAGMA cache_size = {int(usual)}")
    audit.append_many(uow.session, actor=uow.actor, entries=[
        {"action": Action.COLLECTION, "record_type": "case", "record_id": case_id,
         "justification": RECEIVED} for case_id in ids])
    return len(ids)


def apply_case(uow: UnitOfWork, tables: CaseTables) -> None:
    """One case from the hub in place of the vault's copy (see apply_cases)."""
    apply_cases(uow, [tables])


def purge_case(uow: UnitOfWork, case_id: UUID | str) -> None:
    """Every row of the case (its incident too) taken off this laptop, with an erasure audit
    row; also its outbox operations, all acknowledged (the hub holds them): their payloads are
    the case's data. Raises PendingLocalChanges when some are not: push them first. A case the
    vault does not hold is left alone (no audit row). Drafts are the UI's and stay."""
    cid = str(case_id)
    db = uow.dbapi()
    if pending_case_ids(db, [cid]):
        raise PendingLocalChanges([cid])
    acked = outbox_op_ids(db, [cid])
    if acked:
        db.execute("DELETE FROM outbox WHERE op_id IN (SELECT value FROM json_each(?))",
                   (json.dumps(acked),))
    held, incidents = _held(db, [cid])
    if not held:
        return  # not on this laptop: nothing to erase, nothing to log
    ids = json.dumps(held)
    for sql in _DELETE_CHILDREN:
        db.execute(sql, (ids,))
    db.execute(f"DELETE FROM voice_entries WHERE case_id IN {_IDS}", (ids,))
    db.execute(f"DELETE FROM cases WHERE id IN {_IDS}", (ids,))
    db.execute(_DELETE_INCIDENTS, (json.dumps(sorted(incidents)),))
    audit.append_many(uow.session, actor=uow.actor, entries=[
        {"action": Action.ERASURE, "record_type": "case", "record_id": cid,
         "justification": ALLOCATED_AWAY}])
