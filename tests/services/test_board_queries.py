"""The board's queries against the implementation they replaced: same rows, order and counts.

The reference (board_reference.py) is the board query as it was before migration 0004; every
filter combination and every page of a small board with ties, mixed case and non-ASCII text must
come out identical.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from board_reference import old_board
from sqlalchemy import select, text

from fieldapp.domain.enums import Bcu, ClockState
from fieldapp.services import convert, queries
from fieldapp.services.queries import BoardFilter
from fieldapp.store import orm

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
_FMT = "%Y-%m-%dT%H:%M:%S.%fZ"
REFS = ("LC-20260301-00{:03d}", "lc-20260301-{:05d}", "Ref/É{:03d}", "MIXED-CaSe-{:04d}",
        "straße-{:03d}")
SEARCHES = ("", "  ", "L", "lc-2026", "LC-20260301-0001", "c-0", "É", "é", "ss", "STRAß", "case-0",
            "%", "_", "0_1", "%00%", "zzz-no-match")


def _seed(store) -> None:
    """300 cases: many share a police visit time (ties broken by id), every clock state, both
    statuses, unallocated ones, and references in mixed case and beyond ASCII."""
    stamp = NOW.strftime(_FMT)
    tracked = (stamp, "fixture", stamp, "fixture", 1)
    incidents, cases = [], []
    for i in range(300):
        police = NOW - timedelta(hours=(i * 7) % 90, minutes=30 * (i % 3 == 0))
        idva = None if i % 4 else police + timedelta(hours=(i % 50) + 1)
        case_id, incident_id = str(uuid.UUID(int=(i * 7919) % 1000 + 1)), str(uuid.uuid4())
        ref = REFS[i % len(REFS)].format(i)
        bcu = ("WEST", "EAST", "SOUTH")[i % 3]
        incidents.append((incident_id, ref, bcu, "OTHER", police.strftime(_FMT), "[]", *tracked))
        cases.append((case_id, incident_id, f"C-{i:04X}{'é' if i % 13 == 0 else ''}",
                      f"Person {i}", "" if i % 6 == 0 else f"IDVA0{i % 3}",
                      "CLOSED" if i % 10 == 0 else "OPEN", ref, bcu, "OTHER",
                      police.strftime(_FMT), idva.strftime(_FMT) if idva else None, *tracked))
    cols = "created_at, created_by, updated_at, updated_by, row_version"
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO incidents (id, police_ref, bcu, district, police_visit_at, officers, {cols})"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)", incidents)
        conn.exec_driver_sql(
            "INSERT INTO cases (id, incident_id, pseudonym, victim_name, allocated_to, status,"
            f" police_ref, bcu, district, police_visit_at, first_idva_visit_at, {cols})"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", cases)


@pytest.fixture
def board(store):
    _seed(store)
    return store


def _pages(uow, flt: BoardFilter, limit: int) -> list:
    rows, offset = [], 0
    while True:
        page = queries.board_page(uow=uow, flt=flt, offset=offset, limit=limit, now=NOW)
        rows += page
        if len(page) < limit:
            return rows
        offset += limit


FILTERS = [BoardFilter(allocated_to=who, bcu=bcu, state=state, search=search, open_only=open_only)
           for who, bcu, state, search, open_only in itertools.product(
               (None, "IDVA01", ""), (None, Bcu.EAST), (None, *ClockState),
               ("", "lc-2026", "É", "c-0"), (False, True))]


def test_every_filter_combination_matches_the_old_board(board):
    with board.uow() as uow:
        for flt in FILTERS:
            expected = old_board(uow, flt, NOW)
            assert _pages(uow, flt, 13) == expected, flt
            assert queries.board_count(uow=uow, flt=flt, now=NOW) == len(expected), flt


def test_every_search_matches_the_old_board(board):
    with board.uow() as uow:
        for search in SEARCHES:
            flt = BoardFilter(search=search)
            expected = old_board(uow, flt, NOW)
            assert _pages(uow, flt, 11) == expected == _pages(uow, flt, 200), search
            assert queries.board_count(uow=uow, flt=flt, now=NOW) == len(expected), search
        # The search found something in each kind of reference (the comparison is not vacuous).
        for search in ("lc-2026", "É", "STRAß", "case-0", "c-0"):
            assert old_board(uow, BoardFilter(search=search), NOW), search


def test_rows_are_field_for_field_what_the_column_types_gave(board):
    with board.uow() as uow:
        shown = _pages(uow, BoardFilter(), 50)
        for summary in shown:
            assert summary.police_visit_at.tzinfo is UTC
            assert summary.idva_visit_at is None or summary.idva_visit_at.tzinfo is UTC
        by_id = {row.id: convert.summary_out(row) for row in uow.session.scalars(select(orm.Case))}
        assert [s.model_dump() for s in shown] == [by_id[s.case_id].model_dump() for s in shown]


@pytest.mark.parametrize("value", ["Straße", "STRASSE", "ÉCOLE", "école", "İstanbul", "ıi",
                                   "ǅ", "ﬃ", "Ωmega", "ωMEGA", "plain", "PLAIN", "a\u0301"])
def test_like_without_lower_is_the_same_match(store, value):
    """SQLite's LIKE folds ASCII letters only, as its lower() does: the two spellings agree."""
    with store.engine.connect() as conn:
        for probe in ("ß", "SS", "é", "É", "i", "I", "ı", "İ", "ω", "Ω", "ǆ", "ﬃ", "pla", "PLA",
                      "\u0301", "a"):
            pattern = f"%{probe}%"
            old = conn.execute(text("SELECT lower(:v) LIKE lower(:p)"), {"v": value, "p": pattern})
            new = conn.execute(text("SELECT :v LIKE :p"), {"v": value, "p": pattern})
            assert old.scalar_one() == new.scalar_one(), (value, probe)


def _plans(store, flt: BoardFilter) -> list[str]:
    from sqlalchemy import event

    seen: list[tuple[str, tuple]] = []

    def capture(_conn, _cursor, statement, params, _context, _many) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, tuple(params)))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        with store.uow() as uow:
            queries.board_page(uow=uow, flt=flt, limit=1000, now=NOW)  # both groups read
            queries.board_count(uow=uow, flt=flt, now=NOW)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    with store.engine.connect() as conn:
        raw = conn.connection.driver_connection
        return [" / ".join(row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", params))
                for sql, params in seen]


@pytest.mark.parametrize("flt", [BoardFilter(search="lc-0"), BoardFilter(allocated_to="IDVA01"),
                                 BoardFilter(allocated_to="IDVA01", bcu=Bcu.WEST, search="c-1")])
def test_board_reads_walk_the_board_indexes(board, flt):
    """Pages walk a board index in page order (no sort of every match) whatever the LIMIT; the
    count reads index entries only (no table row per case)."""
    pending, visited, count = _plans(board, flt)
    assert "ix_cases_board_pending" in pending and "TEMP B-TREE FOR ORDER BY" not in pending
    assert "ix_cases_board_by_time" in visited and "TEMP B-TREE FOR ORDER BY" not in visited
    assert "COVERING INDEX ix_cases_board_by_time" in count
