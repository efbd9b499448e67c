"""Asking for the short reason an amendment needs (DPA 2018 s.62 logs alterations with it)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from fieldapp.ui.dialogs.common import em, fit_wrapped_text
from fieldapp.ui.widgets import named


class JustificationDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reason for the amendment"))
        lay = QVBoxLayout(self)
        text = QLabel(self.tr(
            "This visit was already recorded. Say briefly why it is being changed "
            "(for example \u201ctypo in the visit time\u201d). The reason goes in the audit log."))
        text.setWordWrap(True)
        lay.addWidget(text)
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        named(self.reason, self.tr("Reason for the amendment"))
        text.setBuddy(self.reason)
        lay.addWidget(self.reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        for button in self.buttons.buttons():
            named(button, button.text())
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.reason.textChanged.connect(self._enable)
        self._enable()
        # Wide enough for its title (the window manager does not widen a dialog for it) and
        # for the explanation to wrap on a few lines.
        self.setMinimumWidth(max(em(self, 24),
                                 self.fontMetrics().horizontalAdvance(self.windowTitle())
                                 + em(self, 8)))
        fit_wrapped_text(self)

    def _enable(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        ok.setEnabled(bool(self.reason.text().strip()))

    @classmethod
    def ask(cls, parent: QWidget | None) -> str | None:
        dialog = cls(parent)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.reason.text().strip()
            return None
        finally:
            dialog.deleteLater()
