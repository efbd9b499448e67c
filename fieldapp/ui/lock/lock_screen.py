"""The neutral screen shown while locked: no names, no case data, only a passphrase field."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from fieldapp.ui.dialogs.unlock_window import UnlockPanel
from fieldapp.vault import Vault


class LockScreen(QWidget):
    unlocked = Signal(object)  # the reopened Store

    def __init__(self, vault: Vault, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.panel = UnlockPanel(
            vault, heading=self.tr("Locked"),
            intro=self.tr("Enter your passphrase to carry on where you left off."), parent=self)
        self.panel.unlocked.connect(self.unlocked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)

    def prepare(self) -> None:
        """Called as the lock happens: clear the field, show any back-off, take the focus."""
        self.panel.reset()
        self.panel.check_backoff()
