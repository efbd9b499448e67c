"""The shell shows the features that ship, never a stand-in for them (issue 11, part 4).

A page that fails to import is an error: importing the main window fails (so every test of it
fails), and in the app the user is told, the failure is logged without personal data, and the
vault is locked again.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap

import pytest
from conftest import USER, activate, add_incident, press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import text

from fieldapp.settings import Settings
from fieldapp.store import Store
from fieldapp.ui import app as app_module
from fieldapp.ui.app import AppFlow
from fieldapp.ui.context import AppContext
from fieldapp.ui.main_window import MainWindow, Place
from fieldapp.ui.pages.board_page import BoardPage
from fieldapp.ui.pages.case_page import CasePage
from fieldapp.ui.pages.dashboard_page import DashboardPage


def _window(qtbot, context: AppContext) -> MainWindow:
    window = MainWindow(context, Settings())
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    return window


def _action_texts(window: MainWindow) -> list[str]:
    texts = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        for action in [menu_action, *(menu.actions() if menu is not None else [])]:
            texts += [action.text(), action.toolTip(), action.statusTip()]
    return texts


def test_every_page_and_action_is_the_real_feature(qtbot, context):
    summary = add_incident(context, police_ref="PR-SHELL-1")
    window = _window(qtbot, context)
    qtbot.waitUntil(lambda: window.board.model.rowCount() == 1, timeout=10_000)
    assert type(window.pages.currentWidget()) is BoardPage

    window.board.table.setFocus()
    window.board.table.setCurrentIndex(window.board.proxy.index(0, 0))
    with qtbot.waitSignal(window.case_opened, timeout=5_000):
        press(qtbot, Qt.Key.Key_Return)
    page = window.pages.currentWidget()
    assert type(page) is CasePage and page.case_id == summary.case_id
    qtbot.waitUntil(lambda: page.is_loaded, timeout=10_000)
    assert window.place() == Place("case", summary.case_id)

    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert type(window.pages.currentWidget()) is DashboardPage
    assert window.place() == Place("dashboard")
    press(qtbot, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.board

    # Tracker and reports ship: enabled, and nothing says a feature is still to come.
    assert window.actions.import_tracker.isEnabled() and window.actions.export_tracker.isEnabled()
    reports = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Reports")
    assert [a.text().replace("&", "") for a in reports.actions()] == [
        "Case summary…", "Caseload summary…", "KPI report…"]
    assert all(a.isEnabled() for a in reports.actions())
    texts = _action_texts(window) + [window.sync_status.text(), window.sync_status.accessibleName()]
    assert [t for t in texts if "arrive" in t.lower() or "placeholder" in t.lower()] == []
    # Sync ships: a laptop not enrolled says so and offers to enrol; the coordinator's Devices
    # page and the conflicts list are not offered to it.
    assert window.sync_status.text() == "Not enrolled with a station hub"
    assert window.sync.enrol_action.isVisible() and window.sync.sync_action.isEnabled()
    assert not window.sync.devices_action.isVisible()
    assert not window.sync.conflicts_action.isVisible()
    window.close()


def test_opening_a_case_in_the_app_is_an_audited_consultation(qtbot, context):
    summary = add_incident(context, police_ref="PR-CONSULT-1")
    before = _audit_rows(context)
    window = _window(qtbot, context)
    qtbot.waitUntil(lambda: window.board.model.rowCount() == 1, timeout=10_000)
    window.board.table.setFocus()
    window.board.table.setCurrentIndex(window.board.proxy.index(0, 0))
    with qtbot.waitSignal(window.case_opened, timeout=5_000):
        press(qtbot, Qt.Key.Key_Return)
    page = window.pages.currentWidget()
    assert isinstance(page, CasePage)
    qtbot.waitUntil(lambda: page.is_loaded, timeout=10_000)

    new = _audit_rows(context)[len(before):]
    # Who consulted is the actor; nobody else received the case, so there is no recipient.
    assert new == [("consultation", "case", str(summary.case_id), USER, "", "case opened")]
    window.close()


def _audit_rows(context: AppContext) -> list[tuple[str, str, str, str, str, str]]:
    """The audit_log table itself, read in a fresh unit of work (as another process would)."""
    with context.uow() as uow:
        rows = uow.session.execute(text(
            "SELECT action, record_type, record_id, actor, recipient, justification"
            " FROM audit_log ORDER BY seq")).all()
    return [tuple(row) for row in rows]


# ------------------------------------------------------------------ a page that fails to import
_BROKEN_PAGE = textwrap.dedent("""
    import importlib.abc
    import sys

    class Broken(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == {module!r}:
                raise ImportError("simulated broken install: " + name, name=name)
            return None

    sys.meta_path.insert(0, Broken())
    import fieldapp.ui.qt_compat
    import fieldapp.ui.main_window
    print("IMPORTED")
""")


@pytest.mark.parametrize("module", ["fieldapp.ui.pages.case_page",
                                    "fieldapp.ui.pages.dashboard_page",
                                    "fieldapp.ui.report_dialogs",
                                    "fieldapp.ui.tracker_dialogs"])
def test_a_feature_that_fails_to_import_breaks_the_main_window_import(module):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", _BROKEN_PAGE.format(module=module)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode != 0 and "IMPORTED" not in done.stdout
    assert "simulated broken install: " + module in done.stderr


def test_the_app_says_so_when_the_main_window_cannot_be_imported(qtbot, context, vault_folder,
                                                                  monkeypatch, caplog):
    add_incident(context, victim_name="Una Secretname")
    store: Store = context.store
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda _parent, _title, message: shown.append(message)))
    monkeypatch.setitem(sys.modules, "fieldapp.ui.main_window", None)  # the import now fails
    flow = AppFlow(vault_folder, Settings(), maximise=False)
    monkeypatch.setattr(flow, "_quit", lambda: shown.append("quit"))
    failed: list[str] = []
    flow.failed.connect(failed.append)

    with caplog.at_level(logging.ERROR, logger=app_module.__name__):
        flow._open_main(AppContext(vault=context.vault, store=store), True)

    assert flow.main_window is None
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)
                and w.isVisible()]
    assert len(shown) == 2 and shown[1] == "quit"
    assert failed == [shown[0]]
    assert "could not be loaded (fieldapp.ui.main_window)" in shown[0]
    assert "contact support" in shown[0]
    assert not context.vault.is_unlocked  # the key is wiped before the message shows
    records = [r for r in caplog.records if r.name == app_module.__name__]
    assert [(r.levelno, r.getMessage()) for r in records] == [
        (logging.ERROR, "the main window failed to import")]
    assert records[0].status == "ModuleNotFoundError in fieldapp.ui.main_window"
    assert "Secretname" not in caplog.text and "PR-TEST-1" not in caplog.text

