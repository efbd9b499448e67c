"""Typed settings on disk, the settings dialog, command-line folder, Esc back to the board."""

from __future__ import annotations

import json

from conftest import activate, add_incident, press
from PySide6.QtCore import Qt

from fieldapp.settings import SCHEMA_VERSION, Settings, config_dir, load_settings, save_settings
from fieldapp.ui.app import vault_argument
from fieldapp.ui.dialogs.settings_dialog import SettingsDialog
from fieldapp.ui.main_window import MainWindow, Place


def test_settings_round_trip_and_bad_files_fall_back_to_defaults(tmp_path):
    assert load_settings() == Settings()  # nothing saved yet
    save_settings(Settings(lock_minutes=2))
    path = config_dir() / "settings.json"
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION
    assert load_settings().lock_minutes == 2
    assert path.stat().st_mode & 0o077 == 0
    path.write_text('{"schema_version": 1, "lock_minutes": 99}')
    assert load_settings() == Settings()  # out of range: defaults, and the app still starts
    path.write_text("not json")
    assert load_settings() == Settings()
    path.write_text('{"schema_version": 999}')
    assert load_settings() == Settings()


def test_settings_dialog_changes_the_idle_lock(qtbot, context):
    window = MainWindow(context, Settings())
    qtbot.addWidget(window)
    assert window.idle.timeout_ms == 5 * 60_000
    dialog = SettingsDialog(Settings(), window)
    dialog.settings_saved.connect(window._settings_saved)
    dialog.lock_minutes.setValue(1)
    with qtbot.waitSignal(dialog.settings_saved, timeout=5_000):
        dialog.submit()
    assert window.idle.timeout_ms == 60_000 and load_settings().lock_minutes == 1
    window.close()


def test_vault_argument():
    assert vault_argument(["--vault", "/x/y"]) == "/x/y"
    assert vault_argument(["--vault=here"]) == "here"
    assert vault_argument([]) is None


def test_escape_returns_from_a_case_to_the_board(qtbot, context):
    summary = add_incident(context)
    window = MainWindow(context, Settings())
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    qtbot.waitUntil(lambda: window.board.model.rowCount() == 1, timeout=10_000)
    window.open_case(summary.case_id)
    page = window.pages.currentWidget()
    if hasattr(page, "is_loaded"):
        qtbot.waitUntil(lambda: page.is_loaded, timeout=10_000)
    window.pages.currentWidget().setFocus()
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.place() == Place("board"), timeout=2_000)
    assert window.pages.currentWidget() is window.board
    window.close()
