"""Typed settings on disk, the settings dialog, command-line folder, Esc back to the board."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import PASSPHRASE, activate, add_incident, open_context, press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fieldapp.settings import SCHEMA_VERSION, Settings, config_dir, load_settings, save_settings
from fieldapp.ui.app import vault_argument
from fieldapp.ui.dialogs.settings_dialog import SettingsDialog
from fieldapp.ui.main_window import MainWindow, Place
from fieldapp.ui.pages.case_page import CasePage
from fieldapp.vault import Vault


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
    assert isinstance(page, CasePage) and page.case_id == summary.case_id
    qtbot.waitUntil(lambda: page.is_loaded, timeout=10_000)
    page.setFocus()
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.place() == Place("board"), timeout=2_000)
    assert window.pages.currentWidget() is window.board
    press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.board.search
    window.close()


def test_coordinator_board_starts_on_all_cases(qtbot, tmp_path):
    vault = Vault.create(tmp_path / "coord", passphrase=bytearray(PASSPHRASE.encode()),
                         user="COORD1", role="coordinator")
    context = open_context(vault)
    window = MainWindow(context, Settings())
    qtbot.addWidget(window)
    assert window.board.current_filter().allocated_to is None
    assert "Coordinator" in window.role_label.text()
    window.close()


_START_SCRIPT = """
import sys
import fieldapp.ui.qt_compat
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
def report():
    shown = [type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible()]
    print("SHOWN", " ".join(sorted(shown)), "|", app.applicationName())
    app.quit()
QTimer.singleShot(800, report)
from fieldapp.ui.app import run_app
sys.exit(run_app(["--vault", sys.argv[1]]))
"""


def test_run_app_opens_the_setup_window_on_first_run(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", _START_SCRIPT, str(tmp_path / "vault")],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "SHOWN CreateVaultDialog | Operation Provide" in done.stdout
    assert (tmp_path / "vault" / "logs" / "fieldapp.log").exists()
