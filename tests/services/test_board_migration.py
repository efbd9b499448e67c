"""Migration 0004 (the board's covering indexes) on an existing vault with data."""

from __future__ import annotations

import itertools
import os
from datetime import UTC, datetime, timedelta

from alembic import command
from board_reference import old_board
from sqlalchemy import text

from fieldapp.domain.enums import Bcu, ClockState
from fieldapp.domain.records import IncidentIn
from fieldapp.services import capture, queries
from fieldapp.services.queries import BoardFilter
from fieldapp.store import Store, schema
from fieldapp.store.engine import integrity_problems, open_engine

NOW = datetime.now(UTC).replace(microsecond=0)
BOARD_COLUMNS = ["police_visit_at", "first_idva_visit_at", "police_ref", "pseudonym",
                 "allocated_to", "bcu", "status"]


def _indexes(engine) -> dict[str, list[str]]:
    with engine.connect() as conn:
        names = conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'"
            " AND sql IS NOT NULL")).scalars().all()
        return {name: [row[2] for row in conn.exec_driver_sql(f"PRAGMA index_info('{name}')")]
                for name in names}


def _add_cases(store: Store) -> None:
    with store.uow() as uow:
        for i in range(40):
            case = capture.create_incident(uow=uow, incident=IncidentIn(
                police_ref=f"LC-{i:03d}-Ref", bcu=("WEST", "EAST", "SOUTH")[i % 3],
                police_visit_at=NOW - timedelta(hours=i * 5), victim_name=f"Person {i}",
                allocated_to="" if i % 4 == 0 else f"IDVA0{i % 2}"))
            if i % 5 == 0:
                capture.allocate(uow=uow, case_id=case.case_id, idva_code="IDVA01", now=NOW)
        uow.commit()
    # A third of them visited (the board's denormalised first-visit time), some within the day.
    stamp = "%Y-%m-%dT%H:%M:%S.%fZ"
    with store.engine.begin() as conn:
        for n, (case_id, police) in enumerate(conn.exec_driver_sql(
                "SELECT id, police_visit_at FROM cases ORDER BY police_ref").all()):
            if n % 3 == 0:
                visited = datetime.fromisoformat(police) + timedelta(hours=5 + n)
                conn.exec_driver_sql("UPDATE cases SET first_idva_visit_at = ? WHERE id = ?",
                                     (visited.strftime(stamp), case_id))


FILTERS = [BoardFilter(allocated_to=who, bcu=bcu, state=state, search=search)
           for who, bcu, state, search in itertools.product(
               (None, "IDVA01"), (None, Bcu.EAST), (None, ClockState.OVERDUE, ClockState.MET),
               ("", "lc-0", "ref"))]


def _pages(uow, flt: BoardFilter) -> list:
    return [row for offset in range(0, 42, 7)
            for row in queries.board_page(uow=uow, flt=flt, offset=offset, limit=7, now=NOW)]


def test_upgrade_from_0003_keeps_rows_and_answers(tmp_path):
    db, key = tmp_path / "fieldapp.db", os.urandom(32).hex()
    engine = open_engine(db, key)
    schema.upgrade(engine, db_path=db, revision="0003")
    old_store = Store(engine, db_path=db, actor="tester")
    _add_cases(old_store)
    before = _indexes(engine)
    assert before["ix_cases_board"] == ["first_idva_visit_at", "police_visit_at"]
    assert "ix_cases_police_visit_at" in before and "ix_cases_bcu" in before
    with engine.connect() as conn:
        rows_before = conn.execute(text("SELECT * FROM cases ORDER BY id")).all()

    schema.upgrade(engine, db_path=db, revision="0004")

    assert schema.current_revision(engine) == "0004"
    assert (tmp_path / "fieldapp.db.before-0003.bak").exists()
    after = _indexes(engine)
    assert after["ix_cases_board_by_time"] == after["ix_cases_board_pending"] == BOARD_COLUMNS
    with engine.connect() as conn:
        assert conn.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"),
                            {"n": "ix_cases_board_pending"}).scalar_one().endswith(
            "WHERE first_idva_visit_at IS NULL")
    # Every other index of the table is untouched.
    replaced = ("ix_cases_board", "ix_cases_police_visit_at", "ix_cases_bcu")
    assert not set(replaced) & set(after)
    assert {k: v for k, v in after.items() if not k.startswith("ix_cases_board_")} == {
        k: v for k, v in before.items() if k not in replaced}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT * FROM cases ORDER BY id")).all() == rows_before
    assert integrity_problems(engine) == []
    engine.dispose()


def test_board_answers_after_the_upgrade_what_it_answered_before(tmp_path):
    """At 0003, the board query of the time; after the upgrade, the new one: same rows, order
    and counts for every filter."""
    db = tmp_path / "fieldapp.db"
    engine = open_engine(db, os.urandom(32).hex())
    schema.upgrade(engine, db_path=db, revision="0003")
    store = Store(engine, db_path=db, actor="tester")
    _add_cases(store)
    with store.uow() as uow:
        before = [old_board(uow, flt, NOW) for flt in FILTERS]
    assert sum(map(bool, before)) > len(FILTERS) // 2  # most filters match something

    schema.upgrade(engine, db_path=db)

    with store.uow() as uow:
        assert [_pages(uow, flt) for flt in FILTERS] == before
        assert [queries.board_count(uow=uow, flt=flt, now=NOW) for flt in FILTERS] == [
            len(rows) for rows in before]
    engine.dispose()


def test_downgrade_restores_the_0003_indexes(tmp_path):
    db = tmp_path / "fieldapp.db"
    engine = open_engine(db, os.urandom(32).hex())
    schema.upgrade(engine, db_path=db, revision="0003")
    at_0003 = _indexes(engine)
    schema.upgrade(engine, db_path=db)
    cfg = schema._config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    assert _indexes(engine) == at_0003
    engine.dispose()


def test_orm_declarations_match_the_migrated_schema(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from fieldapp.store import orm

    db = tmp_path / "fieldapp.db"
    engine = open_engine(db, os.urandom(32).hex())
    schema.upgrade(engine, db_path=db)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), orm.Base.metadata) == []
    engine.dispose()
