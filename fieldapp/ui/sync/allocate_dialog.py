"""Allocate the selected case to an IDVA (coordinators): a staff-code picker, then
``services.allocation.allocate_case``; a refusal is shown in the service's own words."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.errors import UserFacingError
from fieldapp.domain.records import CaseSummary
from fieldapp.services import allocation
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.common import BusyRow, FieldMessage, em, guarded, scaled_font
from fieldapp.ui.tasks import run_task

log = logging.getLogger(__name__)


class AllocateDialog(QDialog):
    case_allocated = Signal(object)  # allocation.CaseAllocated

    def __init__(self, context: AppContext, case: CaseSummary, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Allocate case"))
        self._context = context
        self._case = case
        heading = QLabel(self.tr("Allocate case %1 (police ref %2)").replace(
            "%1", case.pseudonym).replace("%2", case.police_ref), self)
        heading.setFont(scaled_font(self, 1.2, bold=True))
        current = QLabel(self.tr("Now allocated to: %1").replace(
            "%1", case.allocated_to or self.tr("nobody")), self)
        self.staff_code = QComboBox(self)
        self.staff_code.setEditable(True)
        self.staff_code.setAccessibleName(self.tr("IDVA's staff code"))
        self.staff_code.lineEdit().setPlaceholderText("IDVA01")
        form = QFormLayout()
        form.addRow(self.tr("&To (staff code)"), self.staff_code)
        label = form.labelForField(self.staff_code)
        if isinstance(label, QLabel):
            label.setBuddy(self.staff_code)
        self.message = FieldMessage(self.staff_code, self)
        self.busy = BusyRow(self)
        self.buttons = QDialogButtonBox(self)
        self.allocate_button = self.buttons.addButton(self.tr("&Allocate"),
                                                      QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        self.allocate_button.clicked.connect(self.allocate)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(current)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(em(self, 26))
        store = context.store
        run_task(lambda: allocation.staff_codes_known(store=store),
                 on_done=guarded(self, self._codes_found))

    def _codes_found(self, codes: list[str]) -> None:
        typed = self.staff_code.currentText()
        self.staff_code.clear()
        self.staff_code.addItems(codes)
        self.staff_code.setEditText(typed or self._case.allocated_to or "")

    def allocate(self) -> None:
        code = self.staff_code.currentText().strip()
        if not code:
            self.message.show_message(self.tr("Choose or type the IDVA's staff code."))
            return
        self.message.clear_message()
        self.allocate_button.setEnabled(False)
        self.busy.start(self.tr("Allocating…"))
        store, by, case_id = self._context.store, self._context.user, self._case.case_id
        run_task(lambda: allocation.allocate_case(store=store, case_id=case_id,
                                                  to_staff_code=code, by=by),
                 on_done=guarded(self, self._allocated), on_error=guarded(self, self._failed),
                 write=True)

    def _allocated(self, result: allocation.CaseAllocated) -> None:
        self.busy.stop()
        self.case_allocated.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy.stop()
        self.allocate_button.setEnabled(True)
        if isinstance(exc, UserFacingError):
            text = str(exc)
            self.message.show_message(text[:1].upper() + text[1:])
            return
        log.warning("allocation failed", extra={"status": type(exc).__name__})
        self.message.show_message(self.tr("The case was not allocated (%1); nothing was "
                                          "changed. Try again.").replace("%1", type(exc).__name__))
