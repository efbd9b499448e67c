"""The screen-lock and sleep signals of a real (private) D-Bus daemon lock the app."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import add_incident, shows_any
from PySide6.QtDBus import QDBusConnection

from fieldapp.settings import Settings
from fieldapp.ui.lock import os_signals
from fieldapp.ui.lock.os_signals import OsLockWatcher
from fieldapp.ui.main_window import MainWindow


@pytest.fixture
def private_bus():
    # `make test` installs these on Debian; under CI=true the skip is a failure (tests/conftest.py).
    missing = [tool for tool in ("dbus-daemon", "dbus-send") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed (Debian package dbus)")
    proc = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address"],
                            stdout=subprocess.PIPE, text=True)
    address = proc.stdout.readline().strip()
    bus = QDBusConnection.connectToBus(address, f"fieldapp-test-{proc.pid}")
    assert bus.isConnected()
    yield address, bus
    QDBusConnection.disconnectFromBus(f"fieldapp-test-{proc.pid}")
    proc.terminate()
    proc.wait(timeout=10)


def _emit(address: str, path: str, member: str, value: bool) -> None:
    subprocess.run(["dbus-send", f"--bus={address}", "--type=signal", path, member,
                    f"boolean:{str(value).lower()}"], check=True, timeout=10)


def test_screensaver_and_sleep_signals_emit_os_locked(qtbot, private_bus):
    address, bus = private_bus
    watcher = OsLockWatcher(session_bus=bus, system_bus=bus)
    assert "org.freedesktop.ScreenSaver.ActiveChanged" in watcher.listening
    assert "org.freedesktop.login1.Manager.PrepareForSleep" in watcher.listening
    seen: list[str] = []
    watcher.os_locked.connect(seen.append)
    _emit(address, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged", False)
    with qtbot.waitSignal(watcher.os_locked, timeout=5000):
        _emit(address, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged", True)
    with qtbot.waitSignal(watcher.os_locked, timeout=5000):
        _emit(address, "/org/freedesktop/login1", "org.freedesktop.login1.Manager.PrepareForSleep", True)
    assert seen == ["screen", "sleep"]  # the "unlocked" (false) signal did not lock


def test_without_a_bus_it_listens_to_nothing(qtbot):
    missing = QDBusConnection.connectToBus("unix:path=/nonexistent/bus", "fieldapp-test-none")
    watcher = OsLockWatcher(session_bus=missing, system_bus=missing)
    assert watcher.listening == []
    QDBusConnection.disconnectFromBus("fieldapp-test-none")


def test_the_main_window_locks_when_the_screen_locks(qtbot, private_bus, monkeypatch, context):
    address, bus = private_bus
    real_init = os_signals.OsLockWatcher.__init__
    monkeypatch.setattr(os_signals.OsLockWatcher, "__init__", lambda self, parent=None: real_init(
        self, parent, session_bus=bus, system_bus=bus))
    add_incident(context, police_ref="PR-OS-LOCK-1", victim_name="Sky Hidden")
    window = MainWindow(context, Settings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.board.model.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(window.locked, timeout=5_000):
        _emit(address, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged", True)
    assert window.root.currentWidget() is window.lock_screen
    assert shows_any(window, "PR-OS-LOCK-1", "Sky Hidden") == []
    assert not context.vault.is_unlocked
    window.close()
