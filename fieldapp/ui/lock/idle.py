"""Idle auto-lock: an application-wide event filter that restarts a timer on user activity.

As KeePassXC does: keyboard, mouse, wheel, hover and touch events count as activity; the timer
restarts at most every 500 ms so the filter costs next to nothing on a busy event loop.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.HoverMove, QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate, QEvent.Type.TabletPress, QEvent.Type.ShortcutOverride,
})
RESET_THROTTLE_MS = 500


class IdleWatcher(QObject):
    """Emits :attr:`idle_timed_out` after ``timeout_ms`` without user input (while running)."""

    idle_timed_out = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.idle_timed_out)
        self._since_reset = QElapsedTimer()
        self._installed = False

    @property
    def timeout_ms(self) -> int:
        return self._timer.interval()

    def set_timeout_ms(self, timeout_ms: int) -> None:
        self._timer.setInterval(timeout_ms)
        if self._timer.isActive():
            self._restart()

    def start(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        self._restart()

    def stop(self) -> None:
        app = QApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False
        self._timer.stop()

    def is_running(self) -> bool:
        return self._timer.isActive()

    def _restart(self) -> None:
        self._timer.start()
        self._since_reset.restart()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        throttle = min(RESET_THROTTLE_MS, self._timer.interval() // 4)
        if event.type() in _ACTIVITY and self._timer.isActive() and (
                self._since_reset.elapsed() >= throttle):
            self._restart()
        return False
