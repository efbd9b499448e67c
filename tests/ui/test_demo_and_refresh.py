"""Demonstration data in the desktop app, and the pages after an import (issue 16, items 4, 6).

The board says when the vault holds demonstration cases; File > Remove demonstration data asks,
removes them (real cases stay) and the board and dashboard read again; after a tracker import
from the File menu the board and the dashboard show the imported cases without F5.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import activate, add_incident
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from fieldapp.services import demo
from fieldapp.settings import Settings
from fieldapp.ui.dialogs.tracker_import_dialog import ImportTrackerDialog
from fieldapp.ui.main_window import MainWindow


def _window(qtbot, context) -> MainWindow:
    window = MainWindow(context, Settings())
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    window.board.scope.setCurrentIndex(window.board.scope.findData("all"))
    return window


def _total(window: MainWindow) -> int | None:
    return window.board.model.total()


def test_remove_demonstration_data_from_the_menu(qtbot, context):
    add_incident(context, police_ref="LC-REAL-1", police_visit_at=datetime.now(UTC)
                 - timedelta(hours=3))
    with context.uow() as uow:
        demo.fill_demo(uow=uow, cases=8, seed=3, me="IDVA01")
    window = _window(qtbot, context)
    qtbot.waitUntil(lambda: _total(window) == 9, timeout=10_000)
    qtbot.waitUntil(lambda: window.board.demo_note.isVisible(), timeout=5_000)
    assert "8 demonstration cases" in window.board.demo_note.text()

    window.actions.remove_demo.trigger()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None, timeout=5_000)
    box = window.findChild(QMessageBox)
    assert box.isVisible() and box.defaultButton().text().replace("&", "") == "Keep them"
    remove = next(b for b in box.buttons() if "Remove" in b.text())
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _total(window) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: not window.board.demo_note.isVisible(), timeout=5_000)
    assert "Removed 8 demonstration cases" in window.statusBar().currentMessage()
    model = window.board.model
    refs = [model.index(r, 2).data() for r in range(model.rowCount())]
    assert refs == ["LC-REAL-1"]


def test_keeping_the_demonstration_data_changes_nothing(qtbot, context):
    with context.uow() as uow:
        demo.fill_demo(uow=uow, cases=4, seed=1, me="IDVA01")
    window = _window(qtbot, context)
    qtbot.waitUntil(lambda: _total(window) == 4, timeout=10_000)
    window.actions.remove_demo.trigger()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None, timeout=5_000)
    box = window.findChild(QMessageBox)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=5_000)
    window.board.refresh()
    qtbot.waitUntil(lambda: _total(window) == 4, timeout=10_000)


def test_board_and_dashboard_read_again_after_an_import(qtbot, context, sample_tracker,
                                                        monkeypatch: pytest.MonkeyPatch):
    window = _window(qtbot, context)
    qtbot.waitUntil(lambda: _total(window) == 0, timeout=10_000)
    window.show_dashboard()  # the import is started from the dashboard, and it stays there
    visits = window._dashboard.tiles["visits"].value
    qtbot.waitUntil(lambda: visits.text() == "0", timeout=10_000)
    # Only the operating system's file picker is answered here; the import dialog is real.
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(sample_tracker), ""))
    window.actions.import_tracker.trigger()
    dialog = window.findChild(ImportTrackerDialog)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: visits.text() == "150", timeout=30_000)  # no F5, no page change
    assert window.pages.currentWidget() is window._dashboard
    qtbot.waitUntil(lambda: _total(window) == 150, timeout=10_000)
