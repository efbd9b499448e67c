"""A calm, non-modal message strip above the page (e.g. "A draft was recovered")."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from fieldapp.ui.icons import icon


class Banner(QFrame):
    action_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("banner")
        self.setStyleSheet("#banner { background: #eaf1f7; border: 1px solid #9fb8cc;"
                           " border-radius: 3px; } #banner QLabel { color: #1f3f5a; }")
        self._icon = QLabel(self)
        side = self.fontMetrics().height()
        self._icon.setPixmap(icon("info").pixmap(QSize(side, side)))
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.action_button = QPushButton(self)
        self.action_button.setAccessibleName(self.tr("Open"))
        self.action_button.clicked.connect(self.action_clicked)
        self.dismiss_button = QPushButton(self.tr("Dismiss"), self)
        self.dismiss_button.setAccessibleName(self.tr("Dismiss this message"))
        self.dismiss_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self._icon)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action_button)
        layout.addWidget(self.dismiss_button)
        self.hide()

    def show_message(self, text: str, action: str) -> None:
        self.label.setText(text)
        self.action_button.setText(action)
        self.action_button.setAccessibleName(action.replace("&", ""))
        self.show()
