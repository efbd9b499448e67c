"""Shown where a feature has not arrived in this build: says so, and offers the way back."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from fieldapp.ui.icons import icon


class PlaceholderPage(QWidget):
    closed = Signal()

    def __init__(self, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        label = QLabel(text, self)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        back = QPushButton(icon("back"), self.tr("Back to the board"), self)
        back.setAccessibleName(self.tr("Back to the board"))
        back.clicked.connect(self.closed)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(label)
        layout.addWidget(back, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def has_unsaved_changes(self) -> bool:
        return False

    def flush_draft(self) -> None:
        pass

    def refresh(self) -> None:
        pass
