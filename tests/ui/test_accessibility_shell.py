"""Every input and button of the shell has an accessible name; no name reaches the title."""

from __future__ import annotations

from conftest import activate, add_incident, press, unnamed_inputs
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fieldapp.settings import Settings
from fieldapp.ui.dialogs.create_vault_dialog import CreateVaultDialog
from fieldapp.ui.dialogs.new_incident_dialog import NewIncidentDialog
from fieldapp.ui.dialogs.settings_dialog import SettingsDialog
from fieldapp.ui.dialogs.unlock_window import UnlockWindow
from fieldapp.ui.icons import icon, resources_dir
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.pages.dashboard_page import DashboardPage


def test_wizard_and_unlock_window_name_every_input(qtbot, context, tmp_path):
    wizard = CreateVaultDialog(tmp_path / "new-vault")
    qtbot.addWidget(wizard)
    wizard.show()
    assert unnamed_inputs(wizard) == []
    unlock = UnlockWindow(context.vault)
    qtbot.addWidget(unlock)
    unlock.show()
    assert unnamed_inputs(unlock) == []
    assert unlock.windowTitle() == wizard.windowTitle() == "Operation Provide"


def test_main_window_dialogs_and_lock_screen_name_every_input(qtbot, context):
    window = MainWindow(context, Settings())
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    qtbot.waitUntil(lambda: window.board.model.total() is not None, timeout=10_000)
    assert unnamed_inputs(window) == []
    assert window.windowTitle() == "Operation Provide"
    window.show_dashboard()
    assert isinstance(window.pages.currentWidget(), DashboardPage)
    assert unnamed_inputs(window) == []

    for dialog in (NewIncidentDialog(context, window), SettingsDialog(Settings(), window)):
        qtbot.addWidget(dialog)
        dialog.show()
        assert unnamed_inputs(dialog) == [], type(dialog).__name__
        dialog.close()

    window.lock_now()
    assert unnamed_inputs(window.lock_screen) == []
    assert window.windowTitle() == "Operation Provide"
    window.close()


def test_tab_order_of_the_board_follows_reading_order(qtbot, context):
    add_incident(context)
    window = MainWindow(context, Settings())
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    qtbot.waitUntil(lambda: window.board.model.rowCount() == 1, timeout=10_000)
    board = window.board
    board.search.setFocus()
    seen = [QApplication.focusWidget()]
    for _ in range(5):
        press(qtbot, Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert seen == [board.search, board.scope, board.bcu, board.state, board.clear_button,
                    board.table]
    window.close()


def test_icons_are_scalable_svgs():
    names = sorted(p.stem for p in (resources_dir() / "icons").glob("*.svg"))
    assert {"clock", "warning", "check", "cross", "lock", "plus", "search", "board",
            "chart"} <= set(names)
    for name in names:
        assert not icon(name).isNull(), name
        assert icon(name).pixmap(64, 64).width() == 64  # drawn at any size, never upscaled
