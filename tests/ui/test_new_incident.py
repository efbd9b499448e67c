"""New incident by keyboard only: saved, on the board, selected, with the right clock state."""

from __future__ import annotations

from datetime import timedelta

import pytest
import shiboken6
from conftest import PASSPHRASE, USER, activate, press
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QApplication

from fieldapp.domain.enums import ClockState
from fieldapp.services import queries
from fieldapp.services.queries import BoardFilter
from fieldapp.settings import Settings
from fieldapp.ui.dialogs.new_incident_dialog import NewIncidentDialog, split_officers
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.models.board_model import COL_TIME_LEFT, ClockStateRole


@pytest.fixture
def window(qtbot, context):
    win = MainWindow(context, Settings())
    qtbot.addWidget(win)
    win.show()
    activate(qtbot, win)
    qtbot.waitUntil(lambda: win.board.model.total() == 0, timeout=10_000)
    yield win
    win.close()


def _open_dialog(qtbot, win: MainWindow) -> NewIncidentDialog:
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, NewIncidentDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.police_ref, timeout=2_000)
    return dialog


def _count(context) -> int:
    with context.uow() as uow:
        return queries.board_count(uow=uow, flt=BoardFilter())


def test_new_incident_by_keyboard_lands_selected_on_the_board(qtbot, window, context):
    dialog = _open_dialog(qtbot, window)
    assert dialog.allocated_to.text() == USER  # an IDVA allocates to themselves by default
    qtbot.keyClicks(QApplication.focusWidget(), "PR-KEYS-001")
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.bcu
    press(qtbot, Qt.Key.Key_S)  # South
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "Wyre")
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.police_visit_at
    press(qtbot, Qt.Key.Key_Tab)  # one Tab leaves the date-time (default: now)
    assert QApplication.focusWidget() is dialog.officers
    qtbot.keyClicks(dialog.officers, "1234, 5678")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.victim_name, "Ash Example")
    with qtbot.waitSignal(window.incident_added, timeout=10_000) as added:
        press(qtbot, Qt.Key.Key_Return)
    summary = added.args[0]
    assert (summary.police_ref, summary.bcu.value, summary.district) == ("PR-KEYS-001", "SOUTH", "WYRE")

    qtbot.waitUntil(lambda: window.board.selected_case() == summary.case_id, timeout=10_000)
    index = window.board.table.currentIndex()
    assert index.data(ClockStateRole) == ClockState.ON_TIME
    assert index.siblingAtColumn(COL_TIME_LEFT).data().endswith("left")
    assert "C-" in window.statusBar().currentMessage()
    assert "Ash" not in window.statusBar().currentMessage()


def test_problems_show_beside_their_fields_and_nothing_is_saved(qtbot, window, context):
    dialog = _open_dialog(qtbot, window)
    press(qtbot, Qt.Key.Key_Return)  # empty form
    assert dialog.isVisible()
    assert dialog.problem_text("police_ref") == "Police reference is required."
    assert "BCU" in dialog.problem_text("bcu")
    assert dialog.problem_text("victim_name") == ""
    assert QApplication.focusWidget() is dialog.police_ref  # first problem takes the focus
    assert dialog.police_ref.accessibleDescription() == "Police reference is required."

    qtbot.keyClicks(dialog.police_ref, "PR-LATER")
    dialog.bcu.setCurrentIndex(0)
    dialog.police_visit_at.setDateTime(QDateTime.currentDateTime().addDays(2))
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.problem_text("police_ref") == ""
    assert "in the future" in dialog.problem_text("police_visit_at")
    assert _count(context) == 0

    press(qtbot, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert _count(context) == 0


def test_police_time_is_read_as_uk_time_and_stored_in_utc(qtbot, context):
    dialog = NewIncidentDialog(context)
    qtbot.addWidget(dialog)
    london = dialog.police_visit_at.timeZone()
    dialog.police_visit_at.setDateTime(QDateTime(QDate(2025, 7, 1), QTime(10, 15), london))  # BST
    stored = dialog.form_data()["police_visit_at"]
    assert stored.utcoffset() == timedelta(0) and (stored.hour, stored.minute) == (9, 15)


def test_officers_are_split_on_commas():
    assert split_officers(" 1234, 5678 ;;9012, ") == ["1234", "5678", "9012"]


def test_lock_during_a_save_keeps_the_incident_and_raises_nothing(qtbot, window, context):
    dialog = window.new_incident()
    dialog.police_ref.setText("PR-INFLIGHT")
    dialog.bcu.setCurrentIndex(0)
    dialog.victim_name.setText("Wren Sample")
    dialog.submit()  # the save is queued on the writer thread...
    window.lock_now()  # ...and the lock waits for it, then closes the dialog's world
    assert not dialog.isVisible() if shiboken6.isValid(dialog) else True
    qtbot.wait(50)  # the save's answer arrives for a dialog that is gone: nothing breaks
    window.lock_screen.panel.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(window.unlocked, timeout=10_000):
        window.lock_screen.panel.attempt()
    assert _count(window.context) == 1  # read through the reopened store
