"""The status bar's sync indicator (text only, never names).

This build cannot enrol with a station hub yet, so it says the laptop is not enrolled (which is
true) rather than promising sync; the sync feature will call :meth:`SyncStatusWidget.set_status`.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from fieldapp.ui.icons import icon


class SyncStatusWidget(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._icon = QLabel(self)
        side = self.fontMetrics().height()
        self._icon.setPixmap(icon("sync").pixmap(QSize(side, side)))
        self._label = QLabel(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._icon)
        layout.addWidget(self._label)
        self.set_status(self.tr("Not enrolled with a station hub"))

    def set_status(self, text: str) -> None:
        self._label.setText(text)
        self.setAccessibleName(self.tr("Sync status: %1").replace("%1", text))

    def text(self) -> str:
        return self._label.text()
