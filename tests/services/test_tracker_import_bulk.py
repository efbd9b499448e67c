"""The tracker import's set-based writes (tracker_bulk: one JSON array per batch, one INSERT ...
SELECT per table, on a second thread) store exactly what the earlier per-table executemany of
tuples stored: every column of every table, value and SQLite type, offers in the same order.
Also: cancelling while a batch is being written, and a failing batch."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fieldapp.services import capture, tracker_bulk, tracker_import
from fieldapp.services.tracker_rows import COLUMN_REFERRAL
from fieldapp.store import orm
from fieldapp.store.engine import EncodedJson, json_text, utc_text
from fieldapp.tracker import COLUMNS, TrackerRow, read_tracker

HEADER = ",".join(c for c in COLUMNS if c not in ("hours_to_idva_visit", "time_band",
                                                   "visit_hour_band", "financial_quarter"))


def reference_rows(row: TrackerRow, *, case: str, incident: str, stamp: tuple) -> dict[str, list]:
    """The stored tuples as the import built them before tracker_bulk (kept as the reference)."""
    def v(value: object) -> object:
        return None if value is None else getattr(value, "value", value)

    ref, bcu, district = row.police_incident_ref, row.bcu.value, row.district or ""
    police_at, idva_at, visit = utc_text(row.police_visit_at), utc_text(row.idva_visit_at), str(row.visit_id)
    offers = []
    for offer_type, decision in (("IDVA_SUPPORT", row.idva_support),
                                 ("PROSECUTION_SUPPORT", row.prosecution_support)):
        if decision is not None:
            offers.append((visit, offer_type, "", decision.value, None, *stamp))
    for column, target in COLUMN_REFERRAL.items():
        decision = getattr(row, column)
        if decision is not None:
            offers.append((visit, "REFERRAL", target, decision.value, None, *stamp))
    return {
        "incidents": [(incident, ref, bcu, district, police_at, json_text([]), *stamp)],
        "cases": [(case, incident, capture.pseudonym_for(uuid.UUID(case)), "", row.idva_code or "",
                   "OPEN", ref, bcu, district, police_at, idva_at, *stamp)],
        "visits": [(visit, case, "", idva_at, v(row.visit_mode), row.idva_code or "",
                    v(row.police_risk_grade), row.repeat_victim, row.repeat_suspect,
                    row.children_in_household, None, None, None, *stamp)],
        "offers": offers,
        "tracker_extras": [(visit, row.dash_score, row.marac_referral,
                            json_text([g.value for g in row.victim_goals]))],
        "outcomes": [(case, row.outcome_code, None, *stamp)] if row.outcome_code else [],
    }


COLUMNS_OF = {
    "incidents": "id, police_ref, bcu, district, police_visit_at, officers",
    "cases": "id, incident_id, pseudonym, victim_name, allocated_to, status, police_ref, bcu, "
             "district, police_visit_at, first_idva_visit_at",
    "visits": "id, case_id, note, idva_visit_at, mode, idva_code, police_risk_grade, repeat_victim, "
              "repeat_suspect, children_in_household, safe_to_talk, suspect_location, encompass_notified",
    "offers": "visit_id, offer_type, target, status, decline_reason",
    "tracker_extras": "visit_id, dash_score, marac_referral, victim_goals",
    "outcomes": "case_id, outcome_code, outcome_date",
}
TRACKED = ", created_at, created_by, updated_at, updated_by, row_version"
ORDER = {"incidents": "rowid", "cases": "rowid", "visits": "rowid", "offers": "id",
         "tracker_extras": "rowid", "outcomes": "rowid"}


def stored(uow) -> dict[str, list]:
    db = uow.dbapi()
    out = {}
    for table, columns in COLUMNS_OF.items():
        tracked = "" if table == "tracker_extras" else TRACKED
        names = [c.strip() for c in (columns + tracked).split(",")]
        typed = ", ".join(f"{c}, typeof({c})" for c in names)
        out[table] = db.execute(f"SELECT {typed} FROM {table} ORDER BY {ORDER[table]}").fetchall()
    return out


def typed(rows: list[tuple]) -> list[tuple]:
    """Each value with the SQLite type sqlite3 binds it as (bool and int as integer)."""
    def kind(value: object) -> str:
        return {type(None): "null", str: "text", int: "integer", bool: "integer"}[type(value)]

    return [tuple(x for value in row for x in (int(value) if isinstance(value, bool) else value, kind(value)))
            for row in rows]


def tricky_file(path: Path) -> Path:
    """Plain and odd text, every offer decision, empty and full optional cells."""
    rows = [
        'b3a5c1de-0000-4000-8000-000000000001,LC-"quoted",WEST,"Fyl,de",2022-10-29T19:45,'
        "2022-10-30T08:10,ACCEPTED,DECLINED,ID\\VA,JOINT,HIGH,14,YES,OFFERED,ACCEPTED,DECLINED,,"
        "OFFERED,YES,NO,2,1A,BE_DA_FREE;STAY_IN_HOME;BE_DA_FREE",
        ",LC-\u00e9\U0001f600,EAST,,2023-03-26T01:30,,,,,,,,,,,,,,,,,,",
        ",LC-tab\tx,SOUTH,MORECAMBE,2023-10-29T01:30Z,2023-10-29T01:30+00:00,UNDECIDED,"
        "NOT_OFFERED,IDVA01,PHONE,STANDARD,0,NO,,,,,,,YES,0,22,",
        ',"LC-new\nline",WEST,WYRE,2022-06-01T12:00:30,2022-06-09T12:00,,ACCEPTED,,,MEDIUM,24,,'
        ",,,,ACCEPTED,,,30,,NO_POLICE_INVOLVEMENT",
    ]
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("source", ["tricky", "generated", "sample"])
def test_stored_form_equals_the_tuple_inserts(store, tmp_path, sample_tracker, monkeypatch, source):
    from bench.gen import tracker_csv

    monkeypatch.setattr(tracker_import, "BATCH_ROWS", 70)  # several batches, each on the thread
    if source == "tricky":
        path = tricky_file(tmp_path / "tricky.csv")
    elif source == "generated":
        path = tmp_path / "gen.csv"
        tracker_csv(path, 400, bad_every=53)
    else:
        path = sample_tracker
    with read_tracker(path) as reader:
        rows = [item for item in reader if isinstance(item, TrackerRow)]
    with store.uow() as uow:
        report = tracker_import.import_tracker(uow=uow, path=path)
    assert report.imported == len(rows) > 0
    with store.uow() as uow:
        actual = stored(uow)
        db = uow.dbapi()
        ids = {v: (c, i, (at, by)) for v, c, i, at, by in db.execute(
            "SELECT visits.id, cases.id, cases.incident_id, visits.created_at, visits.created_by "
            "FROM visits JOIN cases ON cases.id = visits.case_id")}
    expected: dict[str, list] = {table: [] for table in COLUMNS_OF}
    for row in rows:
        case, incident, (at, by) = ids[str(row.visit_id)]
        for table, values in reference_rows(row, case=case, incident=incident,
                                            stamp=(at, by, at, by, 1)).items():
            expected[table].extend(values)
    for table in COLUMNS_OF:
        assert actual[table] == typed(expected[table]), table
    with store.uow() as uow:
        outbox = uow.dbapi().execute("SELECT entity_id, payload FROM outbox ORDER BY hlc").fetchall()
        audit = uow.dbapi().execute("SELECT record_id, fields FROM audit_log ORDER BY seq").fetchall()
    assert outbox == [(str(row.visit_id), json_text(row.model_dump(mode="json"))) for row in rows]
    assert audit == [(str(row.visit_id), json_text(sorted(
        k for k, v in row.__dict__.items() if v is not None and v != ()))) for row in rows]
    for row in rows:
        made = tracker_bulk.payload(row)
        assert (dict(made), made.text) == (row.model_dump(mode="json"), json_text(row.model_dump(mode="json")))


def test_encoded_json_is_the_canonical_text_whatever_the_key_order():
    for value in ({"b": 1, "a": [None, True, "\u00e9\"x"]}, {}, {"a": {"z": 1, "y": 2}},
                  {"b": [[{"d": 1, "c": 2}]], "a": 1.5}):
        made = EncodedJson(value)
        assert made == value and made.text == json_text(dict(value)) == json_text(made)


def test_incident_ids_are_time_ordered_and_case_ids_random(store, tmp_path):
    from bench.gen import tracker_csv

    path = tmp_path / "gen.csv"
    tracker_csv(path, 50)
    with store.uow() as uow:
        tracker_import.import_tracker(uow=uow, path=path)
    with store.uow() as uow:
        db = uow.dbapi()
        incidents = [uuid.UUID(i) for (i,) in db.execute("SELECT id FROM incidents ORDER BY rowid")]
        cases = [uuid.UUID(i) for (i,) in db.execute("SELECT id FROM cases ORDER BY rowid")]
    assert incidents == sorted(incidents) and {i.version for i in incidents} == {7}
    assert {c.version for c in cases} == {4}  # pseudonyms are made from a case id's first digits


def test_cancel_while_a_batch_is_written_keeps_whole_batches(store, tmp_path, monkeypatch):
    """Stop pressed while the reader is ahead: the batch in hand is committed, nothing after it."""
    monkeypatch.setattr(tracker_import, "BATCH_ROWS", 100)
    path = tmp_path / "many.csv"
    lines = ["visit_id,police_incident_ref,bcu,police_visit_at,idva_visit_at,idva_support,prosecution_support"]
    lines += [f",LC-{i},WEST,2024-01-{1 + i % 28:02d}T10:{i % 60:02d},,," for i in range(3000)]
    lines.insert(1500, ",LC-bad,NORTH,2024-01-01T10:00,,,")
    path.write_text("\n".join(lines) + "\n")
    written = threading.Event()
    original = tracker_import._apply

    def slow_apply(uow, rows, now):  # the writer is still busy when the reader looks
        original(uow, rows, now)
        written.wait(5)

    monkeypatch.setattr(tracker_import, "_apply", slow_apply)
    seen: list[int] = []
    with store.uow() as uow:
        report = tracker_import.import_tracker(
            uow=uow, path=path, progress=seen.append, should_cancel=lambda: written.set() or True)
    assert report.cancelled and report.imported == 100 and seen == [101]
    assert report.stopped_after_line == 101 and report.rejected == []
    with store.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(orm.Visit)) == 100
        assert uow.session.scalar(select(func.count()).select_from(orm.AuditEntry)) == 100


def test_a_failing_batch_raises_and_keeps_earlier_batches(store, tmp_path, monkeypatch):
    monkeypatch.setattr(tracker_import, "BATCH_ROWS", 10)
    path = tmp_path / "many.csv"
    lines = ["visit_id,police_incident_ref,bcu,police_visit_at,idva_visit_at,idva_support,prosecution_support"]
    lines += [f",LC-{i},WEST,2024-01-{1 + i % 28:02d}T10:{i % 60:02d},,," for i in range(35)]
    path.write_text("\n".join(lines) + "\n")
    original, calls = tracker_import._apply, []

    def failing(uow, rows, now):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        original(uow, rows, now)

    monkeypatch.setattr(tracker_import, "_apply", failing)
    with store.uow() as uow, pytest.raises(RuntimeError, match="disk full"):
        tracker_import.import_tracker(uow=uow, path=path)
    with store.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(orm.Visit)) == 20
        assert uow.session.scalar(select(func.count()).select_from(orm.OutboxOp)) == 20
