"""A realistic day in a real vault, replayed from its outbox: the replica equals the vault.

The day (tests/sync/replica_day.py): incidents, allocations, visits with offers and referrals,
risk checklists, voice entries with a correction, safe contacts, outcomes, an amended visit, a
second visit, the sample tracker imported and then updated by a second import (and the app's own
visits updated by a third), and demo data. Its outbox rows become wire ops (``wire_ops``), are
grouped by case and replayed (``sync.protocol.replay``):

- every case's replayed tables equal the vault's own rows of that case, every column but
  ``created_at``/``updated_at`` (the laptop stamps the writer's own ``now``, the op carries only
  its HLC reading) and offers' local autoincrement ``id`` (replica_day.EXCLUDED says why);
  ``created_by``, ``updated_by`` and ``row_version`` are compared and equal;
- ``tracker_rows_from_tables`` over every case equals ``services.tracker_rows`` of the vault;
- applied into a second, fresh vault, the cases give the same tracker export, board and KPIs,
  with an empty outbox and one audit row per case.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from replica_day import (
    ACTOR,
    EXCLUDED,
    all_wire_ops,
    build_day,
    by_case,
    case_ids,
    comparable,
    make_store,
    tables_rows,
    vault_rows,
)

from fieldapp.services import capture, case_state, kpi, queries
from fieldapp.services.sync.apply import RECEIVED, apply_cases
from fieldapp.services.tracker_rows import COLUMN_REFERRAL, REFERRAL_COLUMN, tracker_rows
from fieldapp.store import Store
from fieldapp.tracker import from_tables
from fieldapp.tracker.from_tables import tracker_rows_from_tables
from sync.protocol import replay as replay_module
from sync.protocol.models import ENTITIES
from sync.protocol.replay import CaseTables, replay


@pytest.fixture(scope="module")
def day(tmp_path_factory, sample_tracker):
    tmp = tmp_path_factory.mktemp("day")
    store = make_store(tmp / "laptop.db")
    facts = build_day(store, tmp, sample_tracker)
    ops = all_wire_ops(store)
    grouped = by_case(ops)
    tables = {cid: replay(grouped.get(cid, []), case_id=cid) for cid in case_ids(store)}
    yield store, facts, ops, tables
    store.close()


@pytest.fixture(scope="module")
def replica(day, tmp_path_factory):
    """A second, fresh vault holding every replayed case (as a full restore from the hub)."""
    _, _, _, tables = day
    store = make_store(tmp_path_factory.mktemp("replica") / "other.db")
    with store.uow() as uow:
        assert apply_cases(uow, tables.values()) == len(tables)
        uow.commit()
    yield store
    store.close()


def _export(store: Store) -> list:
    with store.uow() as uow:
        return list(tracker_rows(uow=uow))


def test_the_day_exercises_every_writer(day):
    _, facts, ops, tables = day
    kinds = Counter((op.entity, op.kind) for op in ops)
    assert set(kinds) == {("incident", "upsert"), ("case", "upsert"), ("visit", "upsert"),
                          ("offers", "upsert"), ("risk", "upsert"), ("voice", "append"),
                          ("safe_contact", "upsert"), ("outcome", "upsert"),
                          ("tracker_row", "upsert")}
    assert facts["second_import"].updated >= 50 and facts["own_import"].updated == 2
    # Amendments, allocations and tracker updates stamp rows again: versions above 1 are there.
    versions = Counter((name, row["row_version"]) for t in tables.values()
                       for name, rows in tables_rows(t).items() for row in rows
                       if "row_version" in row)
    for name in ("case", "visits", "offers", "risk_assessments", "safe_contacts", "outcomes"):
        assert any(v > 1 for (n, v) in versions if n == name), name
    assert any(row["corrects"] for t in tables.values() for row in t.voice_entries)


def test_every_op_finds_its_case_and_carries_what_the_payload_lacks(day):
    store, _, ops, _ = day
    with store.uow() as uow:
        db = uow.dbapi()
        visit_case = dict(db.execute("SELECT id, case_id FROM visits"))
        case_incident = dict(db.execute("SELECT id, incident_id FROM cases"))
        voice = {i: (c, at, by) for i, c, at, by in db.execute(
            "SELECT id, case_id, recorded_at, recorded_by FROM voice_entries")}
        outbox = {op_id: payload for op_id, payload in db.execute("SELECT op_id, payload FROM outbox")}
    incident_case = {i: c for c, i in case_incident.items()}
    assert len(ops) == len(outbox)
    for op in ops:
        assert op.author == ACTOR
        payload = json.loads(outbox[op.op_id])
        added = {k: v for k, v in op.value.items() if payload.get(k, object()) != v}
        if op.entity in ("case", "safe_contact", "outcome"):
            assert op.case_id == op.entity_id and not added
        elif op.entity in ("visit", "offers", "risk"):
            assert op.case_id == visit_case[op.entity_id] and not added
        elif op.entity == "incident":
            assert op.case_id == incident_case[op.entity_id] and not added
        elif op.entity == "voice":
            case_id, at, by = voice[op.entity_id]
            assert op.case_id == case_id == payload["case_id"]
            assert added == {"recorded_at": at, "recorded_by": by}
        else:
            assert op.entity == "tracker_row"
            case_id = visit_case[op.entity_id]
            assert op.case_id == case_id
            assert added == {"case_id": case_id, "incident_id": case_incident[case_id]}


def test_every_replayed_case_equals_the_vaults_own_tables(day):
    store, _, _, tables = day
    assert EXCLUDED == {"created_at", "updated_at"}
    with store.uow() as uow:
        db = uow.dbapi()
        for case_id, replayed in tables.items():
            assert replayed.invalid_ops == () and replayed.unknown_ops == 0, case_id
            assert replayed.complete
            assert comparable(tables_rows(replayed)) == comparable(vault_rows(db, case_id)), case_id


def test_the_replicas_stamps_are_its_ops_clock_and_author(day):
    _, _, ops, tables = day
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    walls: dict[str, set] = {}
    for op in ops:
        walls.setdefault(op.case_id, set()).add(epoch + timedelta(milliseconds=int(op.hlc[:15])))
    for case_id, t in tables.items():
        for rows in tables_rows(t).values():
            for row in rows:
                if "created_at" in row:
                    assert row["created_at"] in walls[case_id]
                    assert row["updated_at"] in walls[case_id]
                    assert row["created_at"] <= row["updated_at"]
                    assert row["created_by"] == row["updated_by"] == ACTOR


def test_tracker_rows_from_tables_equal_the_vaults_export(day):
    store, _, _, tables = day
    assert from_tables.REFERRAL_COLUMN == REFERRAL_COLUMN
    mine = [row for t in tables.values() for row in tracker_rows_from_tables(t)]
    theirs = _export(store)
    assert len(theirs) > 150
    assert sorted(mine, key=lambda r: str(r.visit_id)) == sorted(theirs, key=lambda r: str(r.visit_id))
    # and in the export's order within each case (police visit, then visit id)
    for t in tables.values():
        rows = tracker_rows_from_tables(t)
        assert [str(r.visit_id) for r in rows] == sorted(str(r.visit_id) for r in rows)


def test_pseudonyms_are_made_as_the_laptop_makes_them(day):
    _, _, _, tables = day
    for case_id, t in tables.items():
        assert t.case["pseudonym"] == capture.pseudonym_for(UUID(case_id))
        assert replay_module.pseudonym_for(UUID(case_id)) == t.case["pseudonym"]
        assert replay_module.pseudonym_for(case_id.upper()) == t.case["pseudonym"]


def test_replays_copies_of_the_laptops_vocabulary_agree_with_it():
    assert replay_module.VISIT_FIELDS == case_state.VISIT_FIELDS
    assert replay_module.RISK_FIELDS == case_state.RISK_FIELDS
    assert replay_module.SAFE_FIELDS == case_state.SAFE_FIELDS
    assert replay_module.REFERRAL == case_state.REFERRAL
    assert list(replay_module.COLUMN_REFERRAL.items()) == list(COLUMN_REFERRAL.items())
    assert set(replay_module.HANDLERS) < set(ENTITIES)


def test_a_fresh_vault_given_every_case_exports_the_same_tracker(day, replica):
    store, _, _, tables = day
    assert _export(replica) == _export(store)
    with replica.uow() as uow:
        db = uow.dbapi()
        assert db.execute("SELECT count(*) FROM outbox").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM drafts").fetchone() == (0,)
        audit = db.execute("SELECT action, record_type, record_id, justification FROM audit_log"
                           ).fetchall()
        # what it stores is exactly the replayed tables, every column (stamps too)
        for case_id, replayed in tables.items():
            assert comparable(vault_rows(db, case_id), drop=set()) == \
                comparable(tables_rows(replayed), drop=set()), case_id
    assert sorted(audit) == sorted(("collection", "case", cid, RECEIVED) for cid in tables)


def test_the_board_and_the_kpis_see_the_cases(day, replica):
    store, _, _, tables = day
    flt = queries.BoardFilter()
    pages = []
    for vault in (store, replica):
        with vault.uow(read_only=True) as uow:
            pages.append((queries.board_count(uow=uow, flt=flt),
                          queries.board_page(uow=uow, flt=flt, limit=1000),
                          queries.board_page(uow=uow, flt=queries.BoardFilter(
                              allocated_to="IDVA01", open_only=True), limit=1000),
                          kpi.vault_kpis(uow=uow).to_cli_json()))
    assert pages[0] == pages[1]
    assert pages[1][0] == len(tables)


def test_opening_a_case_on_the_replica_shows_what_the_laptop_shows(day, replica):
    store, facts, _, _ = day

    def shown(vault: Store, case_id: UUID) -> dict:
        with vault.uow() as uow:
            out = queries.get_case(uow=uow, case_id=case_id, log_consultation=False).model_dump()
        for visit in out["visits"]:  # the writer's own clock (see the module docstring)
            visit.pop("updated_at")
            if visit["risk"]:
                visit["risk"].pop("assessed_at")
        return out

    for case_id in facts["cases"]:
        assert shown(replica, case_id) == shown(store, case_id)


def test_a_case_applied_again_is_replaced_not_added_to(day, tmp_path):
    store, facts, ops, tables = day
    target = make_store(tmp_path / "again.db")
    case_id = str(facts["cases"][0])  # the amended case with two visits and a correction
    own = sorted(by_case(ops)[case_id], key=lambda o: o.hlc)
    early = replay(own[:len(own) // 2], case_id=case_id)
    assert early.complete and early != tables[case_id]
    for step in (early, tables[case_id], early):
        with target.uow() as uow:
            apply_cases(uow, [step])
            uow.commit()
        with target.uow() as uow:
            held = comparable(vault_rows(uow.dbapi(), case_id), drop=set())
        assert held == comparable(tables_rows(step), drop=set())
    target.close()


def test_an_incomplete_case_is_refused(tmp_path):
    from fieldapp.services.sync.apply import IncompleteCase, apply_case

    target = make_store(tmp_path / "x.db")
    with target.uow() as uow, pytest.raises(IncompleteCase):
        apply_case(uow, CaseTables(case_id="00000000-0000-4000-8000-000000000000"))
    target.close()
