"""Inputs for details that must not be seen over a shoulder or leave through the clipboard.

A masked field shows dots until the person asks to see it, and masks itself again after a
short time. Copy and cut are refused (keys and context menu), and on platforms with a
selection clipboard (X11) a mouse selection is not left there.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QClipboard, QContextMenuEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QWidget

REVEAL_MS = 30_000
_BLOCKED_MENU = {"edit-copy", "edit-cut"}


class NoCopyLineEdit(QLineEdit):
    """A line edit whose text never reaches a clipboard."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setDragEnabled(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.matches(QKeySequence.StandardKey.Copy) or event.matches(QKeySequence.StandardKey.Cut):
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt override
        menu = self.standard_menu()
        menu.exec(event.globalPos())
        menu.deleteLater()

    def standard_menu(self):
        """Qt's own menu with copy and cut taken out (undo, paste, delete, select all stay)."""
        menu = self.createStandardContextMenu()
        for action in list(menu.actions()):
            if action.objectName() in _BLOCKED_MENU:
                menu.removeAction(action)
        return menu

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().mouseReleaseEvent(event)
        clipboard = QGuiApplication.clipboard()
        if clipboard.supportsSelection() and self.hasSelectedText():
            clipboard.clear(QClipboard.Mode.Selection)


class MaskedLineEdit(NoCopyLineEdit):
    """Dots until :meth:`reveal`; typing works while masked."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.mask()

    @property
    def masked(self) -> bool:
        return self.echoMode() != QLineEdit.EchoMode.Normal

    def mask(self) -> None:
        self.setEchoMode(QLineEdit.EchoMode.Password)

    def reveal(self) -> None:
        self.setEchoMode(QLineEdit.EchoMode.Normal)


class Revealer(QObject):
    """One button shows a set of masked fields for ``timeout_ms``, then masks them again.

    ``timeout_ms`` is an attribute so tests can shorten it; a second press masks at once.
    """

    revealed_changed = Signal(bool)

    def __init__(self, fields: Iterable[MaskedLineEdit], button: QAbstractButton,
                 timeout_ms: int = REVEAL_MS, parent: QObject | None = None):
        super().__init__(parent or button)
        self.fields = list(fields)
        self.button = button
        self.timeout_ms = timeout_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.mask)
        button.clicked.connect(self.toggle)
        self._show_text = button.text()
        self._hide_text = self.tr("Hide now")

    @property
    def revealed(self) -> bool:
        return any(not f.masked for f in self.fields)

    def toggle(self) -> None:
        if self.revealed:
            self.mask()
        else:
            self.reveal()

    def reveal(self) -> None:
        for f in self.fields:
            f.reveal()
        self.button.setText(self._hide_text)
        self._timer.start(self.timeout_ms)
        self.revealed_changed.emit(True)

    def mask(self) -> None:
        self._timer.stop()
        for f in self.fields:
            f.mask()
        self.button.setText(self._show_text)
        self.revealed_changed.emit(False)

    def stop(self) -> None:
        self._timer.stop()

