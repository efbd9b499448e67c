"""The board's filters and search on a real vault, through the real widgets (issue 16, item 4).

Every BCU and every 24-hour state is chosen in its combo box and the rows shown are compared
with what the vault holds; "Clear filters" puts every filter back, "Show" included; Enter or
Down in the search box moves to the results; closing a case keeps the filters; a failed read is
logged without its text; an IDVA's imported cases are under "My cases".
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import USER, activate, add_incident, press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fieldapp.domain.enums import Bcu, ClockState
from fieldapp.log import RedactingFormatter
from fieldapp.services import tracker_import
from fieldapp.settings import Settings
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.models import board_model as bm
from fieldapp.ui.pages.board_page import ALL, MINE, BoardPage

NOW = datetime.now(UTC)
# (reference, BCU, hours since the police visit, allocated to): states follow from the hours.
CASES = [
    ("PR-W-OVER", "WEST", 30, USER), ("PR-W-SOON", "WEST", 21, "IDVA02"),
    ("PR-E-ONTIME", "EAST", 2, USER), ("PR-E-OVER", "EAST", 40, "IDVA03"),
    ("PR-S-SOON", "SOUTH", 22, USER), ("PR-S-ONTIME", "SOUTH", 1, ""),
]


@pytest.fixture
def board(qtbot, context) -> BoardPage:
    for ref, bcu, hours, who in CASES:
        add_incident(context, police_ref=ref, bcu=bcu, allocated_to=who,
                     police_visit_at=NOW - timedelta(hours=hours))
    page = BoardPage()
    qtbot.addWidget(page)
    page.show()
    page.attach(context)
    _settled(qtbot, page)
    return page


def _settled(qtbot, page: BoardPage) -> None:
    qtbot.waitUntil(lambda: not page.model.is_loading() and page.model.total() is not None,
                    timeout=10_000)


def _shown(page: BoardPage) -> set[str]:
    model = page.model
    return {model.index(row, bm.COL_POLICE_REF).data(bm.SummaryRole).police_ref
            for row in range(model.rowCount())}


def _choose(qtbot, page: BoardPage, combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))
    _settled(qtbot, page)
    assert "could not be read" not in page.count_label.text()


def test_each_bcu_and_state_filter_lists_the_matching_cases(qtbot, board):
    _choose(qtbot, board, board.scope, ALL)
    assert _shown(board) == {ref for ref, *_ in CASES}
    for bcu in Bcu:
        _choose(qtbot, board, board.bcu, bcu)
        assert _shown(board) == {ref for ref, b, *_ in CASES if b == bcu.value}, bcu
        assert board.model.total() == len(_shown(board))
    _choose(qtbot, board, board.bcu, None)
    by_state = {ClockState.OVERDUE: {"PR-W-OVER", "PR-E-OVER"},
                ClockState.DUE_SOON: {"PR-W-SOON", "PR-S-SOON"},
                ClockState.ON_TIME: {"PR-E-ONTIME", "PR-S-ONTIME"},
                ClockState.MET: set(), ClockState.MISSED: set()}
    for state, refs in by_state.items():
        _choose(qtbot, board, board.state, state)
        assert _shown(board) == refs, state
    _choose(qtbot, board, board.state, ClockState.OVERDUE)
    _choose(qtbot, board, board.bcu, Bcu.WEST)  # both together
    assert _shown(board) == {"PR-W-OVER"}


def test_my_cases_are_those_allocated_to_the_staff_code(qtbot, board):
    assert board.scope.currentData() == MINE  # an IDVA with a staff code starts there
    assert board.current_filter().allocated_to == USER
    assert _shown(board) == {ref for ref, _b, _h, who in CASES if who == USER}
    _choose(qtbot, board, board.bcu, Bcu.EAST)
    assert _shown(board) == {"PR-E-ONTIME"}


def test_clear_filters_resets_every_filter_show_included(qtbot, board):
    _choose(qtbot, board, board.scope, ALL)
    _choose(qtbot, board, board.bcu, Bcu.SOUTH)
    _choose(qtbot, board, board.state, ClockState.DUE_SOON)
    qtbot.keyClicks(board.search, "PR-S")
    qtbot.mouseClick(board.clear_button, Qt.MouseButton.LeftButton)
    _settled(qtbot, board)
    assert (board.scope.currentData(), board.bcu.currentData(), board.state.currentData(),
            board.search.text()) == (MINE, None, None, "")
    assert _shown(board) == {ref for ref, _b, _h, who in CASES if who == USER}


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Down])
def test_enter_or_down_in_the_search_box_moves_to_the_results(qtbot, board, key):
    _choose(qtbot, board, board.scope, ALL)
    board.focus_search()
    qtbot.keyClicks(board.search, "PR-E-")
    press(qtbot, key)  # before the search's 150 ms pause is over: it runs at once
    qtbot.waitUntil(lambda: board.selected_case() is not None, timeout=10_000)
    assert QApplication.focusWidget() is board.table
    assert _shown(board) == {"PR-E-ONTIME", "PR-E-OVER"}
    with qtbot.waitSignal(board.case_activated, timeout=5_000):
        press(qtbot, Qt.Key.Key_Return)  # and Enter there opens the selected case


def test_closing_a_case_keeps_the_boards_filters(qtbot, context):
    for ref, bcu, hours, who in CASES:
        add_incident(context, police_ref=ref, bcu=bcu, allocated_to=who,
                     police_visit_at=NOW - timedelta(hours=hours))
    window = MainWindow(context, Settings())
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    board = window.board
    _settled(qtbot, board)
    _choose(qtbot, board, board.scope, ALL)
    _choose(qtbot, board, board.bcu, Bcu.WEST)
    board.table.setFocus()
    board.table.setCurrentIndex(board.proxy.index(0, 0))
    with qtbot.waitSignal(window.case_opened, timeout=5_000):
        press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Escape)  # close the case page
    qtbot.waitUntil(lambda: window.pages.currentWidget() is board, timeout=5_000)
    _settled(qtbot, board)
    assert (board.scope.currentData(), board.bcu.currentData()) == (ALL, Bcu.WEST)
    assert _shown(board) == {"PR-W-OVER", "PR-W-SOON"}


def test_a_failed_read_is_logged_without_its_text(qtbot, context, caplog):
    page = BoardPage()
    qtbot.addWidget(page)
    page.attach(context)
    _settled(qtbot, page)

    def broken(**_kw):
        raise RuntimeError("Sam Example of 1 High Street")  # what an error text might hold

    caplog.set_level(logging.ERROR)
    page.model.attach(broken)
    qtbot.waitUntil(lambda: "could not be read" in page.count_label.text(), timeout=5_000)
    records = [r for r in caplog.records if r.getMessage() == "board read failed"]
    assert records, "the failure was not logged"
    written = RedactingFormatter().format(records[0])
    assert "RuntimeError" in written and "Sam Example" not in written and "High Street" not in written


def test_an_idvas_imported_cases_are_under_my_cases(qtbot, context, tmp_path: Path):
    sheet = tmp_path / "tracker.csv"
    sheet.write_text(
        "visit_id,police_incident_ref,bcu,district,police_visit_at,idva_visit_at,idva_support,"
        "prosecution_support,idva_code\n"
        "6f1c2a9e-0d55-4a53-9d1e-1b7a1c1e0001,LC-IMP-1,WEST,BLACKPOOL,2026-11-01T10:00,"
        "2026-11-01T15:00,ACCEPTED,DECLINED,idva01\n"
        "6f1c2a9e-0d55-4a53-9d1e-1b7a1c1e0002,LC-IMP-2,EAST,,2026-11-02T10:00,,,,IDVA09\n",
        encoding="utf-8")
    with context.uow() as uow:
        report = tracker_import.import_tracker(uow=uow, path=sheet)
    assert (report.imported, report.rejected) == (2, [])
    page = BoardPage()
    qtbot.addWidget(page)
    page.attach(context)
    _settled(qtbot, page)
    assert page.scope.currentData() == MINE
    assert _shown(page) == {"LC-IMP-1"}  # its idva_code, in any case, is this IDVA's code
