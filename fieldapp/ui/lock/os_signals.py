"""Lock when the operating system locks the screen or the laptop goes to sleep.

Linux desktops announce both on D-Bus: the session's screensaver emits ``ActiveChanged(true)``
(freedesktop, GNOME and KDE names) and logind emits ``PrepareForSleep(true)`` on the system bus
before a suspend or lid close. Either means the laptop may be out of the IDVA's sight, so the app
locks as if Ctrl+L had been pressed. Where a bus is missing (no desktop session, another OS) the
watcher quietly listens to nothing: the idle timer and Ctrl+L still apply. Windows session-lock
notifications (WTS_SESSION_LOCK) need a native event filter and are not wired yet.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import SLOT, QObject, Signal, Slot
from PySide6.QtDBus import QDBusConnection

log = logging.getLogger(__name__)

SCREENSAVERS = (
    ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
)
LOGIND = ("/org/freedesktop/login1", "org.freedesktop.login1.Manager")


class OsLockWatcher(QObject):
    """Emits :attr:`os_locked` when the screen locks or the machine prepares to sleep."""

    os_locked = Signal(str)  # "screen" or "sleep", for the log

    def __init__(self, parent: QObject | None = None, *, session_bus: QDBusConnection | None = None,
                 system_bus: QDBusConnection | None = None):
        super().__init__(parent)
        self.listening: list[str] = []
        session = session_bus if session_bus is not None else QDBusConnection.sessionBus()
        system = system_bus if system_bus is not None else QDBusConnection.systemBus()
        if session.isConnected():
            for path, interface in SCREENSAVERS:
                if session.connect("", path, interface, "ActiveChanged", self, SLOT("_screen_changed(bool)")):
                    self.listening.append(f"{interface}.ActiveChanged")
        if system.isConnected():
            path, interface = LOGIND
            if system.connect("", path, interface, "PrepareForSleep", self, SLOT("_sleep_coming(bool)")):
                self.listening.append(f"{interface}.PrepareForSleep")
        log.info("OS lock signals", extra={"count": len(self.listening)})

    @Slot(bool)
    def _screen_changed(self, active: bool) -> None:
        if active:
            self.os_locked.emit("screen")

    @Slot(bool)
    def _sleep_coming(self, sleeping: bool) -> None:
        if sleeping:
            self.os_locked.emit("sleep")
