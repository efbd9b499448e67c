"""BoardModel without any widget: paging, server-side filters, roles, countdown text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import USER, BigBoard
from PySide6.QtCore import QModelIndex, Qt

from fieldapp.domain.enums import Bcu, ClockState
from fieldapp.domain.records import CaseSummary
from fieldapp.services.queries import BoardFilter
from fieldapp.ui.models import board_text
from fieldapp.ui.models.board_model import (
    COL_CASE,
    COL_POLICE_REF,
    COL_STATE,
    COL_TIME_LEFT,
    PAGE_SIZE,
    BoardModel,
    BoardSortProxy,
    CaseIdRole,
    ClockStateRole,
    SortKeyRole,
)


def _load(qtbot, model: BoardModel, flt: BoardFilter | None = None) -> None:
    with qtbot.waitSignals([model.page_loaded, model.count_loaded], timeout=10_000):
        if flt is None:
            model.reload()
        else:
            model.set_filter(flt)


@pytest.fixture
def model(qtbot, big_context, big_board: BigBoard):
    board = BoardModel(clock=lambda: big_board.now)
    board._factory = big_context.uow  # attach() without the first automatic load
    yield board
    board.detach()


def _expected(big_board: BigBoard, pred) -> int:
    return sum(1 for r in big_board.rows if pred(r))


def test_first_page_only_then_more_on_demand(qtbot, model: BoardModel, big_board: BigBoard):
    _load(qtbot, model)
    assert model.total() == len(big_board.rows)
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore(QModelIndex())
    with qtbot.waitSignal(model.page_loaded, timeout=10_000):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 2 * PAGE_SIZE
    # Most urgent first: overdue cases lead, in the order of their police visit.
    states = [model.index(r, COL_STATE).data(ClockStateRole) for r in range(model.rowCount())]
    assert states[0] == ClockState.OVERDUE
    keys = [model.index(r, COL_TIME_LEFT).data(SortKeyRole) for r in range(model.rowCount())]
    assert keys == sorted(keys)


def test_search_matches_police_ref_and_pseudonym(qtbot, model: BoardModel, big_board: BigBoard):
    _load(qtbot, model, BoardFilter(search="pr-0123"))
    assert model.total() == _expected(big_board, lambda r: "PR-0123" in r["police_ref"]) == 100
    assert model.rowCount() == 100
    assert all("PR-0123" in model.index(r, COL_POLICE_REF).data() for r in range(100))

    _load(qtbot, model, BoardFilter(search="c-00a1b"))
    assert model.total() == _expected(big_board, lambda r: "C-00A1B" in r["pseudonym"]) > 0
    assert all("C-00A1B" in model.index(r, COL_CASE).data() for r in range(model.rowCount()))


def test_state_filter(qtbot, model: BoardModel, big_board: BigBoard):
    for state in ClockState:
        _load(qtbot, model, BoardFilter(state=state))
        assert model.total() == _expected(big_board, lambda r, s=state: r["state"] == s.value)
        assert model.rowCount() == PAGE_SIZE
        shown = {model.index(r, COL_STATE).data(ClockStateRole) for r in range(model.rowCount())}
        assert shown == {state.value}


def test_bcu_and_mine_filters_combine(qtbot, model: BoardModel, big_board: BigBoard):
    _load(qtbot, model, BoardFilter(allocated_to=USER, bcu=Bcu.SOUTH))
    expected = _expected(big_board, lambda r: r["allocated_to"] == USER and r["bcu"] == "SOUTH")
    assert 0 < model.total() == expected
    rows = [model.index(r, 0).data(CaseIdRole) for r in range(model.rowCount())]
    assert len(rows) == min(PAGE_SIZE, expected)
    by_id = {r["case_id"]: r for r in big_board.rows}
    assert all(by_id[str(cid)]["allocated_to"] == USER for cid in rows)

    _load(qtbot, model, BoardFilter(allocated_to=None, bcu=Bcu.SOUTH))
    assert model.total() == _expected(big_board, lambda r: r["bcu"] == "SOUTH")


def test_stale_page_after_filter_change_is_dropped(qtbot, model: BoardModel):
    model.reload()  # its page is still in flight when the filter changes
    _load(qtbot, model, BoardFilter(search="PR-04999"))
    assert model.rowCount() == 10
    qtbot.wait(50)
    assert model.rowCount() == 10


def test_detach_forgets_every_row(qtbot, model: BoardModel):
    _load(qtbot, model)
    model.detach()
    assert model.rowCount() == 0 and model.total() is None
    assert not model.canFetchMore(QModelIndex())


def test_proxy_sorts_loaded_rows_by_sort_key(qtbot, model: BoardModel):
    _load(qtbot, model, BoardFilter(search="PR-0000"))
    proxy = BoardSortProxy()
    proxy.setSourceModel(model)
    proxy.sort(COL_POLICE_REF, Qt.SortOrder.DescendingOrder)
    refs = [proxy.index(r, COL_POLICE_REF).data() for r in range(proxy.rowCount())]
    assert refs == sorted(refs, reverse=True) and len(refs) == 100


def test_countdown_words(qapp, big_board: BigBoard):
    now = big_board.now

    def case(police_hours_ago: float, visit_after: float | None = None) -> CaseSummary:
        police = now - timedelta(hours=police_hours_ago)
        return CaseSummary(
            case_id="00000000-0000-0000-0000-000000000001", police_ref="R", pseudonym="C-1",
            bcu="WEST", district="", police_visit_at=police, allocated_to="", status="OPEN",
            idva_visit_at=None if visit_after is None else police + timedelta(hours=visit_after))

    assert board_text.countdown_text(case(24 - 5.2), now) == "5 h 12 m left"
    assert board_text.countdown_text(case(27 + 4 / 60), now) == "overdue by 3 h 04 m"
    assert board_text.countdown_text(case(23.5), now) == "30 m left"
    assert board_text.countdown_text(case(24 + 80), now) == "overdue by 3 d 8 h"
    assert board_text.countdown_text(case(40, 18.5), now) == "met (18.5 h)"
    assert board_text.countdown_text(case(40, 30.2), now) == "missed (30.2 h)"
    assert board_text.state_word(ClockState.DUE_SOON) == "Due soon"
    for state in ClockState:
        assert not board_text.state_icon(state).isNull()


def test_minute_tick_moves_countdown(qtbot, model: BoardModel, big_board: BigBoard):
    _load(qtbot, model, BoardFilter(state=ClockState.ON_TIME))
    before = model.index(0, COL_TIME_LEFT).data()
    with qtbot.waitSignal(model.dataChanged):
        model.tick(big_board.now + timedelta(minutes=61))
    assert model.index(0, COL_TIME_LEFT).data() != before


def _counts_read(engine, action) -> tuple[int, list[str]]:
    """How many count queries ``action`` ran, and the order the model's signals came in."""
    from sqlalchemy import event

    counted: list[str] = []

    def seen(_conn, _cursor, statement, *_rest) -> None:
        if "count(" in statement.lower():
            counted.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        order = action()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return len(counted), order


def _signal_order(qtbot, model: BoardModel, flt: BoardFilter) -> list[str]:
    order: list[str] = []
    model.page_loaded.connect(lambda _n: order.append("page"))
    model.count_loaded.connect(lambda _n: order.append("count"))
    _load(qtbot, model, flt)
    return order


def test_short_first_page_is_the_count(qtbot, model: BoardModel, big_context, big_board: BigBoard):
    """A first page shorter than a page holds every match: no second scan to count them."""
    counts, order = _counts_read(big_context.store.engine,
                                 lambda: _signal_order(qtbot, model, BoardFilter(search="pr-0123")))
    assert counts == 0 and order == ["page", "count"]
    assert model.total() == model.rowCount() == 100


def test_full_first_page_then_the_count(qtbot, model: BoardModel, big_context,
                                        big_board: BigBoard):
    """The count is read after the first page, not beside it (one read transaction at a time)."""
    counts, order = _counts_read(big_context.store.engine,
                                 lambda: _signal_order(qtbot, model, BoardFilter(search="pr-01")))
    assert counts == 1 and order == ["page", "count"]
    assert model.rowCount() == PAGE_SIZE
    assert model.total() == _expected(big_board, lambda r: "PR-01" in r["police_ref"])


def test_exactly_one_page_of_matches_is_counted(qtbot, big_context, big_board: BigBoard):
    """A first page exactly full may be the last: the count is read, not guessed."""
    board = BoardModel(clock=lambda: big_board.now, page_size=100)
    board._factory = big_context.uow
    try:
        counts, _order = _counts_read(
            big_context.store.engine, lambda: _signal_order(qtbot, board, BoardFilter(search="pr-0123")))
        assert counts == 1 and board.total() == board.rowCount() == 100
    finally:
        board.detach()
