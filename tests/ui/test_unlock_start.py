"""The start path to the unlock window: what it leaves for later, and that the window still works.

The unlock window paints before pydantic, cryptography, SQLAlchemy and the main window's modules
are imported; they load after the first paint (the main window's in a worker) or on unlock.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from conftest import PASSPHRASE
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from fieldapp.settings import Settings
from fieldapp.ui.app import AppFlow
from fieldapp.ui.dialogs.common import FieldMessage, Tone, set_enum_property
from fieldapp.vault import Vault

_START_SCRIPT = """
import sys
import fieldapp.ui.qt_compat
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

LATER = ("pydantic", "cryptography", "sqlalchemy", "fieldapp.store", "fieldapp.ui.main_window")
app = QApplication(sys.argv[:1])
at_paint = []

class Hook(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and type(obj).__name__ == "UnlockWindow":
            if not at_paint:
                ready = obj.panel.passphrase.isEnabled() and obj.panel.passphrase.hasFocus()
                at_paint.append((sorted(m for m in LATER if m in sys.modules), ready))
        return False

def check():
    if at_paint and "fieldapp.ui.main_window" in sys.modules:  # the worker's warm-up ran
        import logging
        print("AT FIRST PAINT", at_paint[0])
        print("LOG HANDLERS", [type(h).__name__ for h in logging.getLogger().handlers])
        app.quit()

hook = Hook()
app.installEventFilter(hook)
poll = QTimer()
poll.timeout.connect(check)
poll.start(50)
QTimer.singleShot(60_000, app.quit)
from fieldapp.ui.app import run_app
sys.exit(run_app(["--vault", sys.argv[1]]))
"""


def test_unlock_window_paints_before_the_heavy_imports_and_warms_up_after(context,
                                                                         vault_folder):
    context.vault.lock()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", _START_SCRIPT, str(vault_folder)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "AT FIRST PAINT ([], True)" in done.stdout, done.stdout + done.stderr[-2000:]
    assert "LOG HANDLERS ['RotatingFileHandler']" in done.stdout  # rotating once painted
    assert (vault_folder / "logs" / "fieldapp.log").exists()


_LOG_SCRIPT = """
import logging, logging.handlers, sys
from pathlib import Path
from fieldapp import log as applog
root = logging.getLogger()
applog.setup(Path(sys.argv[1]), rotate_later=True)
print([type(h).__name__ for h in root.handlers])
logging.getLogger("fieldapp.test").info("before rotation", extra={"count": 1})
applog.start_rotating()
applog.start_rotating()  # a second call changes nothing
handler = root.handlers[0]
print([type(h).__name__ for h in root.handlers], handler.maxBytes, handler.backupCount,
      type(handler.formatter).__name__)
logging.getLogger("fieldapp.test").info("after rotation %s", "withheld")
"""


def test_log_written_before_rotation_starts_stays_in_the_same_file(tmp_path):
    done = subprocess.run([sys.executable, "-c", _LOG_SCRIPT, str(tmp_path)],
                          capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.splitlines() == [
        "['FileHandler']", "['RotatingFileHandler'] 1000000 3 RedactingFormatter"]
    lines = (tmp_path / "fieldapp.log").read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith("fieldapp.test: before rotation count=1")
    assert lines[1].endswith("fieldapp.test: after rotation %s [arguments withheld]")


def test_back_off_left_from_before_shows_once_the_window_is_painted(qtbot, flows, context,
                                                                   vault_folder):
    context.vault.lock()
    path = vault_folder / Vault.SLOTS_NAME
    doc = json.loads(path.read_text())
    doc["backoff"] = {"failures": 6, "next_allowed_at": time.time() + 50}
    path.write_text(json.dumps(doc))
    flow = AppFlow(vault_folder, Settings(), maximise=False)
    flows.append(flow)
    flow.start()
    window = flow.unlock_window
    with qtbot.waitSignal(window.first_painted, timeout=10_000):
        pass
    panel = window.panel
    qtbot.waitUntil(panel.wait_label.isVisible, timeout=10_000)
    assert "try again in" in panel.wait_label.text()
    assert not panel.unlock_button.isEnabled()
    assert QApplication.focusWidget() is panel.passphrase


def test_first_painted_is_sent_once(qtbot, flows, context, vault_folder):
    context.vault.lock()
    flow = AppFlow(vault_folder, Settings(), maximise=False)
    flows.append(flow)
    flow.start()
    window = flow.unlock_window
    sent: list[bool] = []
    window.first_painted.connect(lambda: sent.append(True))
    qtbot.waitUntil(lambda: sent == [True], timeout=10_000)
    window.hide()
    window.show()
    window.repaint()
    QApplication.processEvents()
    assert sent == [True]
    with qtbot.waitSignal(flow.main_window_opened, timeout=30_000):
        window.panel.passphrase.setText(PASSPHRASE)
        window.panel.attempt()


def test_field_message_is_built_on_its_first_message(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    message = FieldMessage(None, parent)
    assert message.text() == "" and message.findChildren(QLabel) == []
    message.clear_message()  # nothing to clear yet
    message.show_message("Check the date.", Tone.INFO)
    assert message.text() == "Check the date." and len(message.findChildren(QLabel)) == 2
    message.clear_message()
    assert message.text() == "" and not message.isVisibleTo(parent)


def test_enum_property_by_key_name_matches_the_typed_setter(qtbot):
    by_name, typed = QLabel("a"), QLabel("b")
    set_enum_property(by_name, "alignment", "AlignHCenter")
    typed.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    assert by_name.alignment() == typed.alignment() == Qt.AlignmentFlag.AlignHCenter
    with pytest.raises(ValueError):
        set_enum_property(by_name, "alignment", "AlignSideways")
