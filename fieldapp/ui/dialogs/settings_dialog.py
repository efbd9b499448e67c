"""Settings: how long the app waits before locking itself (1-15 minutes), and the user's staff code.

The lock delay is in the settings file; the staff code is inside the encrypted database (it is
what "My cases" and new allocations use), so it is only offered with an unlocked ``context``,
and read-only when the station hub set it at enrolment.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldapp.services import identity
from fieldapp.settings import Settings, save_settings
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.common import BusyRow, FieldMessage, em, fit_wrapped_text, guarded
from fieldapp.ui.dialogs.unlock_window import APP_TITLE
from fieldapp.ui.tasks import run_task

log = logging.getLogger(__name__)


def _save(settings: Settings, context: AppContext | None, code: str | None) -> None:
    """Worker: the settings file, then (when it changed) the staff code inside the vault."""
    save_settings(settings)
    if context is not None and code is not None:
        with context.uow() as uow:
            identity.set_own_staff_code(uow=uow, code=code)
            uow.commit()


class SettingsDialog(QDialog):
    settings_saved = Signal(object)  # Settings
    staff_code_changed = Signal(str)  # the new code ("" for none)

    def __init__(self, settings: Settings, parent: QWidget | None = None, *,
                 context: AppContext | None = None):
        super().__init__(parent)
        self.setWindowTitle(APP_TITLE)
        self._settings = settings
        self._context = context
        self.lock_minutes = QSpinBox(self)
        self.lock_minutes.setRange(1, 15)
        self.lock_minutes.setValue(settings.lock_minutes)
        self.lock_minutes.setSuffix(self.tr(" min"))
        self.lock_minutes.setAccessibleName(self.tr("Lock after this many idle minutes"))
        label = QLabel(self.tr("&Lock after being idle for"), self)
        label.setBuddy(self.lock_minutes)
        hint = QLabel(self.tr("Shorter is safer in someone's home. Ctrl+L locks at once."), self)
        hint.setWordWrap(True)
        self.staff_code = QLineEdit(self)
        self.staff_code.setMaxLength(identity.MAX_STAFF_CODE)
        self.staff_code.setPlaceholderText(self.tr("for example IDVA01"))
        self.staff_code.setAccessibleName(self.tr("Your staff code"))
        code_label = QLabel(self.tr("Your s&taff code"), self)
        code_label.setBuddy(self.staff_code)
        self.staff_code_message = FieldMessage(self.staff_code, self)
        self.staff_code_hint = QLabel(self)
        self.staff_code_hint.setWordWrap(True)
        if context is not None:
            self.staff_code.setText(context.staff_code)
            by_hub = identity.staff_code_set_by_hub(store=context.store)
            self.staff_code.setReadOnly(by_hub)
            self.staff_code_hint.setText(self.tr(
                "Set by the station hub when this laptop was enrolled.") if by_hub else self.tr(
                "Cases allocated to this code appear under \"My cases\"."))
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
        form.addRow(hint)
        if context is not None:
            code_column = QVBoxLayout()
            for widget in (self.staff_code, self.staff_code_message, self.staff_code_hint):
                code_column.addWidget(widget)
            form.addRow(code_label, code_column)
        else:
            for widget in (code_label, self.staff_code, self.staff_code_message,
                           self.staff_code_hint):
                widget.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(em(self, 24))
        fit_wrapped_text(self)

    def submit(self) -> None:
        updated = self._settings.model_copy(update={"lock_minutes": self.lock_minutes.value()})
        context, code = self._context, None
        if context is not None and not self.staff_code.isReadOnly():
            typed = identity.normalise_staff_code(self.staff_code.text())
            problem = identity.staff_code_problem(typed)
            if problem:
                self.staff_code_message.show_message(problem)
                self.staff_code.setFocus()
                return
            code = typed if typed != context.staff_code else None
        self.staff_code_message.clear_message()
        self.busy.start(self.tr("Saving…"))
        run_task(lambda: _save(updated, context, code),
                 on_done=guarded(self, lambda _r: self._saved(updated, code)),
                 on_error=guarded(self, self._failed), write=code is not None)

    def _saved(self, settings: Settings, code: str | None) -> None:
        self.busy.stop()
        self.settings_saved.emit(settings)
        if code is not None and self._context is not None:
            self._context.forget_staff_code()
            self.staff_code_changed.emit(code)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy.stop()
        if isinstance(exc, identity.StaffCodeRefused):
            self.staff_code_message.show_message(str(exc))
            return
        log.error("settings not saved", extra={"status": type(exc).__name__})
        self.message.show_message(self.tr("The settings could not be saved."))
