"""T25: what the app copies goes out with the clipboard-history hints and is cleared on lock, on
quit and after a while; what another program put on the clipboard is left alone.

Copies are made through the app's own copy actions (the copy and cut keys, the context menu's
Copy, Ctrl+C on a board row). Another program is simulated by setting the clipboard from the
test after our copy: under the offscreen platform the clipboard lives in this process and Qt
reports that we do not own it, which is what a real other program's text looks like to the app.
"""

from __future__ import annotations

import pytest
from conftest import PASSPHRASE, activate, add_incident, press, type_into
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from fieldapp.settings import Settings
from fieldapp.ui.lock.clipboard import CLEAR_AFTER_MS, SECRET_HINTS
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.models.board_model import COL_CASE, COL_POLICE_REF
from fieldapp.ui.pages.case_page import CasePage

CTRL = Qt.KeyboardModifier.ControlModifier
HINTS = {
    "x-kde-passwordManagerHint": b"secret",
    "ExcludeClipboardContentFromMonitorProcessing": b"1",
    "CanIncludeInClipboardHistory": b"\x00\x00\x00\x00",
    "CanUploadToCloudClipboard": b"\x00\x00\x00\x00",
}
THEIRS = "text another program copied"


@pytest.fixture(autouse=True)
def offscreen_clipboard(qapp):
    """An in-process 'other program' only looks like one where Qt reports no ownership."""
    assert QGuiApplication.platformName() == "offscreen", "run these tests with offscreen"
    QGuiApplication.clipboard().clear()
    yield
    QGuiApplication.clipboard().clear()


def clipboard_text() -> str:
    return QGuiApplication.clipboard().text()


def hints_on_clipboard() -> dict[str, bytes]:
    mime = QGuiApplication.clipboard().mimeData()
    return {kind: bytes(mime.data(kind).data()) for kind in HINTS if mime.hasFormat(kind)}


def another_program_copies(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def open_window(qtbot, context) -> MainWindow:
    window = MainWindow(context, Settings())
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    qtbot.waitUntil(lambda: window.board.model.total() is not None, timeout=10_000)
    return window


def copy_from_search(qtbot, window: MainWindow, text: str) -> None:
    """Type into the board's search box, select it and press Ctrl+C, as a person would."""
    window.board.search.clear()
    type_into(qtbot, window.board.search, text)
    window.board.search.selectAll()
    press(qtbot, Qt.Key.Key_C, CTRL)


def unlock(qtbot, window: MainWindow) -> None:
    type_into(qtbot, window.lock_screen.panel.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.unlocked, timeout=10_000):
        press(qtbot, Qt.Key.Key_Return)


def open_case(qtbot, window: MainWindow, case_id) -> CasePage:
    window.open_case(case_id)
    page = window.pages.currentWidget()
    assert isinstance(page, CasePage)
    qtbot.waitUntil(lambda: page.is_loaded, timeout=10_000)
    return page


def test_the_hints_are_the_ones_the_research_names():
    assert {k: SECRET_HINTS[k] for k in HINTS} == HINTS
    assert 10_000 <= CLEAR_AFTER_MS <= 30_000


def test_our_copy_carries_the_hints_and_is_cleared_on_lock(qtbot, context):
    window = open_window(qtbot, context)
    copy_from_search(qtbot, window, "PR-COPY-1")
    assert clipboard_text() == "PR-COPY-1"
    assert hints_on_clipboard() == HINTS
    with qtbot.waitSignal(window.locked, timeout=5_000):
        press(qtbot, Qt.Key.Key_L, CTRL)
    assert clipboard_text() == ""
    window.close()


def test_our_copy_is_cleared_on_quit(qtbot, context):
    window = open_window(qtbot, context)
    copy_from_search(qtbot, window, "PR-COPY-2")
    assert clipboard_text() == "PR-COPY-2"
    window.actions.quit.trigger()  # File > Quit closes the window (the app then exits)
    assert not window.isVisible()
    assert clipboard_text() == ""


def test_another_programs_text_survives_lock_and_quit(qtbot, context):
    window = open_window(qtbot, context)
    copy_from_search(qtbot, window, "PR-COPY-3")
    assert clipboard_text() == "PR-COPY-3"
    another_program_copies(THEIRS)  # after ours: the clipboard is no longer ours
    window.lock_now()
    assert clipboard_text() == THEIRS
    unlock(qtbot, window)
    assert clipboard_text() == THEIRS
    window.close()
    assert clipboard_text() == THEIRS


def test_cut_and_the_context_menu_copy_go_out_with_the_hints(qtbot, context):
    summary = add_incident(context)
    window = open_window(qtbot, context)
    page = open_case(qtbot, window, summary.case_id)
    note = page.sections.visit.note
    type_into(qtbot, note, "She asked for a call back after six")
    note.selectAll()
    press(qtbot, Qt.Key.Key_X, CTRL)
    assert note.toPlainText() == ""  # cut took it out of the field
    assert clipboard_text() == "She asked for a call back after six"
    assert hints_on_clipboard() == HINTS

    another_program_copies(THEIRS)
    type_into(qtbot, note, "Second line")
    note.selectAll()
    picked = context_menu_pick(qtbot, note.viewport(), "edit-copy")
    assert picked and clipboard_text() == "Second line"
    assert hints_on_clipboard() == HINTS

    window.lock_now()
    assert clipboard_text() == ""
    unlock(qtbot, window)
    page = window.pages.currentWidget()
    assert isinstance(page, CasePage)
    qtbot.waitUntil(lambda: page.is_loaded, timeout=10_000)
    window.close()


def context_menu_pick(qtbot, target: QWidget, name: str) -> bool:
    """Right-click ``target`` (a real context menu event) and choose the entry ``name``."""
    picked: list[bool] = []

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, choose)
            return
        for action in menu.actions():
            if action.objectName() == name and action.isEnabled():
                picked.append(True)
                action.trigger()
        menu.close()

    QTimer.singleShot(0, choose)
    pos = QPoint(5, 5)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, target.mapToGlobal(pos))
    QApplication.sendEvent(target, event)
    return bool(picked)


def test_ctrl_c_on_a_board_row_goes_out_with_the_hints(qtbot, context):
    summary = add_incident(context, police_ref="PR-ROW-1")
    window = open_window(qtbot, context)
    qtbot.waitUntil(lambda: window.board.model.rowCount() == 1, timeout=10_000)
    table = window.board.table
    table.setFocus()
    table.setCurrentIndex(window.board.proxy.index(0, COL_POLICE_REF))
    press(qtbot, Qt.Key.Key_C, CTRL)
    assert clipboard_text() == "PR-ROW-1" and hints_on_clipboard() == HINTS
    table.setCurrentIndex(window.board.proxy.index(0, COL_CASE))
    press(qtbot, Qt.Key.Key_C, CTRL)
    assert clipboard_text() == summary.pseudonym and hints_on_clipboard() == HINTS
    window.lock_now()
    assert clipboard_text() == ""
    window.close()


def test_the_safe_number_still_cannot_be_copied_in_the_window(qtbot, context):
    summary = add_incident(context)
    window = open_window(qtbot, context)
    page = open_case(qtbot, window, summary.case_id)
    safe = page.sections.safe_contact
    safe.number.setText("07700 900123")
    safe.reveal_button.click()
    another_program_copies(THEIRS)
    safe.number.setFocus()
    safe.number.selectAll()
    press(qtbot, Qt.Key.Key_C, CTRL)
    press(qtbot, Qt.Key.Key_X, CTRL)
    assert clipboard_text() == THEIRS and safe.number.text() == "07700 900123"
    assert not context_menu_pick(qtbot, safe.number, "edit-copy")
    assert clipboard_text() == THEIRS
    safe.reveal_button.click()
    window.close()


def test_our_copy_is_cleared_after_a_while_and_theirs_is_not(qtbot, context):
    window = open_window(qtbot, context)
    assert window.clipboard.clear_after_ms == CLEAR_AFTER_MS
    window.clipboard.set_clear_after_ms(300)
    copy_from_search(qtbot, window, "PR-COPY-4")
    assert clipboard_text() == "PR-COPY-4"
    qtbot.waitUntil(lambda: clipboard_text() == "", timeout=3_000)

    copy_from_search(qtbot, window, "PR-COPY-5")
    another_program_copies(THEIRS)
    qtbot.wait(600)
    assert clipboard_text() == THEIRS
    window.close()
