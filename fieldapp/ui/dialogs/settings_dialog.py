"""Settings: how long the app waits before locking itself (1-15 minutes)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldapp.settings import Settings, save_settings
from fieldapp.ui.dialogs.common import BusyRow, FieldMessage, em, guarded
from fieldapp.ui.dialogs.unlock_window import APP_TITLE
from fieldapp.ui.tasks import run_task

log = logging.getLogger(__name__)


class SettingsDialog(QDialog):
    settings_saved = Signal(object)  # Settings

    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(APP_TITLE)
        self._settings = settings
        self.lock_minutes = QSpinBox(self)
        self.lock_minutes.setRange(1, 15)
        self.lock_minutes.setValue(settings.lock_minutes)
        self.lock_minutes.setSuffix(self.tr(" min"))
        self.lock_minutes.setAccessibleName(self.tr("Lock after this many idle minutes"))
        label = QLabel(self.tr("&Lock after being idle for"), self)
        label.setBuddy(self.lock_minutes)
        hint = QLabel(self.tr("Shorter is safer in someone's home. Ctrl+L locks at once."), self)
        hint.setWordWrap(True)
        self.busy = BusyRow(self)
        self.message = FieldMessage(None, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        for kind, name in ((QDialogButtonBox.StandardButton.Save, self.tr("Save")),
                           (QDialogButtonBox.StandardButton.Cancel, self.tr("Cancel"))):
            buttons.button(kind).setAccessibleName(name)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(label, self.lock_minutes)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(em(self, 24))

    def submit(self) -> None:
        updated = self._settings.model_copy(update={"lock_minutes": self.lock_minutes.value()})
        self.busy.start(self.tr("Saving…"))
        run_task(lambda: save_settings(updated),
                 on_done=guarded(self, lambda _r: self._saved(updated)),
                 on_error=guarded(self, self._failed))

    def _saved(self, settings: Settings) -> None:
        self.busy.stop()
        self.settings_saved.emit(settings)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy.stop()
        log.error("settings not saved", extra={"status": type(exc).__name__})
        self.message.show_message(self.tr("The settings could not be saved."))
