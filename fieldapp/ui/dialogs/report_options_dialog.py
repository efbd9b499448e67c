"""Report options: what to include, who it is for and why, an optional PDF password.

One dialog for the three reports; each adds its own rows (:meth:`_case_rows`,
:meth:`_caseload_rows`, :meth:`_kpi_rows`). The PDF is built in the writer queue (it is logged
as a disclosure as it is built) while a busy row says so; the bytes come back in memory and
:attr:`report_built` hands them to the preview.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from uuid import UUID

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.enums import Bcu
from fieldapp.domain.errors import NotFound, RecordInvalid, UserFacingError
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.common import (
    BusyRow,
    FieldMessage,
    Tone,
    em,
    extra_shortcut,
    fit_wrapped_text,
    scaled_font,
)
from fieldapp.ui.dialogs.report_form import DisclosureFields, FormRows, PasswordFields, note
from fieldapp.ui.dialogs.report_request import (
    BuiltReport,
    ReportKind,
    ReportRequest,
    build_report,
    case_label,
    save_kpi_spreadsheet,
)
from fieldapp.ui.tasks import run_task
from fieldapp.ui.widgets.datetime_edit import DateLineEdit

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReportOptionsDialog", text)


def titles() -> dict[ReportKind, str]:
    return {ReportKind.CASE: _tr("Case summary"), ReportKind.CASELOAD: _tr("Caseload summary"),
            ReportKind.KPI: _tr("KPI report")}


class ReportOptionsDialog(QDialog):
    report_built = Signal(object, object)  # BuiltReport, ReportRequest
    spreadsheet_saved = Signal(object)  # Path of the KPI workbook

    def __init__(self, context: AppContext, kind: ReportKind, *, case_id: UUID | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle(titles()[kind])
        self._context = context
        self._case_id = case_id
        self._case_shown = ""
        self._busy = False
        self.inputs: list[QWidget] = []

        heading = QLabel(titles()[kind], self)
        heading.setFont(scaled_font(self, 1.3, bold=True))
        self.rows = FormRows(self)
        {ReportKind.CASE: self._case_rows, ReportKind.CASELOAD: self._caseload_rows,
         ReportKind.KPI: self._kpi_rows}[kind]()
        self.disclosure = DisclosureFields(self, self.rows, what=_tr("report"))
        self.password = PasswordFields(self, self.rows)
        self.inputs += self.disclosure.widgets() + self.password.widgets()
        marking = note(self, self.tr(
            "Marked OFFICIAL-SENSITIVE on every page. The PDF is shown first; nothing is saved "
            "until you choose Save in the preview."), Tone.INFO)

        self.busy = BusyRow(self)
        self.form_message = FieldMessage(None, self)
        buttons = QDialogButtonBox(self)
        self.build_button = buttons.addButton(self.tr("&Preview PDF"),
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        self.build_button.setAccessibleName(self.tr("Preview PDF"))
        self.build_button.setToolTip(self.tr("Build the report and show it (Ctrl+Enter)"))
        extra_shortcut(self, self.build_button, QKeySequence("Ctrl+Return"))
        self.build_button.setDefault(True)
        self.xlsx_button = None
        if kind is ReportKind.KPI:  # coordinators work in Excel: the same figures as a workbook
            self.xlsx_button = buttons.addButton(self.tr("Save as &spreadsheet (.xlsx)…"),
                                                 QDialogButtonBox.ButtonRole.ActionRole)
            self.xlsx_button.setAccessibleName(self.tr("Save as spreadsheet"))
            self.xlsx_button.setToolTip(self.tr(
                "Save the same figures as an Excel workbook (recorded in the audit log)"))
            self.xlsx_button.clicked.connect(self.save_spreadsheet)
        self.cancel_button = buttons.addButton(self.tr("Cancel"),
                                               QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setAccessibleName(self.tr("Cancel"))
        self.build_button.clicked.connect(self.submit)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(em(self, 0.5))
        layout.addWidget(heading)
        for widget in self._intro:
            layout.addWidget(widget)
        layout.addLayout(self.rows.layout)
        layout.addWidget(marking)
        layout.addStretch(1)
        layout.addWidget(self.busy)
        layout.addWidget(self.form_message)
        layout.addWidget(buttons)
        order = self.inputs + [self.build_button, *([self.xlsx_button] if self.xlsx_button
                                                    else []), self.cancel_button]
        for before, after in zip(order, order[1:], strict=False):
            self.setTabOrder(before, after)
        self.setMinimumWidth(em(self, 36))
        fit_wrapped_text(self)
        self.inputs[0].setFocus()

    # ---------------------------------------------------------------- per report
    def _case_rows(self) -> None:
        self._intro = [note(self, self.tr(
            "Safe-contact details (the safe number, safe times and how to reach the victim) "
            "never appear in a case summary."), Tone.INFO)]
        self.case_ref = QLineEdit(self)
        self.case_ref.setMaxLength(64)
        self.case_ref.setPlaceholderText(self.tr("pseudonym or police reference, e.g. C-1A2B3C"))
        self.rows.add(self.tr("&Case"), self.case_ref, "",
                      self.tr("Case pseudonym or police reference"))
        self.include_voice = QCheckBox(self.tr("Include the &victim's own words"), self)
        self.rows.add_check(self.include_voice)
        self.voice_reason = QLineEdit(self)
        self.voice_reason.setMaxLength(200)
        self.voice_reason.setEnabled(False)
        self.rows.add(self.tr("&Why include them"), self.voice_reason,
                      self.tr("Required when the victim's words are included; recorded in the audit "
                              "log."),
                      self.tr("Reason for including the victim's own words"))
        self.include_voice.toggled.connect(self._voice_toggled)
        self.inputs += [self.case_ref, self.include_voice, self.voice_reason]
        if self._case_id is not None:
            context, case_id = self._context, self._case_id
            self.case_ref.setPlaceholderText(self.tr("Looking up the open case…"))
            run_task(lambda: case_label(context, case_id), on_done=self._case_found,
                     on_error=lambda exc: log.error("open case not found",
                                                    extra={"status": type(exc).__name__}))

    def _case_found(self, pseudonym: str) -> None:
        if pseudonym and not self.case_ref.text():
            self._case_shown = pseudonym
            self.case_ref.setText(pseudonym)

    def _voice_toggled(self, checked: bool) -> None:
        # Focus stays on the box: Tab then goes to the reason, as it reads (moving focus there
        # at once made the next Tab skip it).
        self.voice_reason.setEnabled(checked)
        if not checked:
            self.rows.messages[self.voice_reason].clear_message()

    def _caseload_rows(self) -> None:
        self._intro = []
        self.idva = QLineEdit(self)
        self.idva.setMaxLength(40)
        self.rows.add(self.tr("&IDVA code"), self.idva,
                      self.tr("Optional: one IDVA's cases. Leave empty for every IDVA."),
                      self.tr("IDVA code (optional)"))
        self.inputs.append(self.idva)

    def _kpi_rows(self) -> None:
        self._intro = []
        self.date_from = DateLineEdit(self)
        self.date_to = DateLineEdit(self)
        self.rows.add(self.tr("&From"), self.date_from,
                      self.tr("Police visits on or after this date (dd/mm/yyyy); empty: "
                              "from the first."), self.tr("From date"))
        self.rows.add(self.tr("&To"), self.date_to,
                      self.tr("On or before this date; empty: up to the latest."),
                      self.tr("To date"))
        self.bcu = QComboBox(self)
        for text, code in ((self.tr("All BCUs"), ""), (self.tr("West"), Bcu.WEST.value),
                           (self.tr("East"), Bcu.EAST.value), (self.tr("South"), Bcu.SOUTH.value)):
            self.bcu.addItem(text, code)
        self.rows.add(self.tr("&BCU"), self.bcu, "", self.tr("BCU"))
        self.inputs += [self.date_from, self.date_to, self.bcu]

    # ---------------------------------------------------------------- reading the form
    def _kind_fields(self) -> dict | None:
        """The report's own choices, or None after showing what is wrong."""
        if self.kind is ReportKind.CASE:
            reference = self.case_ref.text().strip()
            ok = True
            if not reference:
                self.rows.error(self.case_ref, self.tr("Type the case's pseudonym or police "
                                                       "reference."))
                ok = False
            voice = self.include_voice.isChecked()
            if voice and not self.voice_reason.text().strip():
                self.rows.error(self.voice_reason, self.tr(
                    "Say why the victim's own words are included: the reason is recorded in the "
                    "audit log."))
                ok = False
            same = self._case_id is not None and reference == self._case_shown
            return {"case_id": self._case_id if same else None, "case_reference": reference,
                    "include_voice": voice,
                    "voice_reason": self.voice_reason.text().strip() if voice else ""} if ok else None
        if self.kind is ReportKind.CASELOAD:
            return {"idva": self.idva.text().strip() or None}
        dates = {}
        for name, widget in (("date_from", self.date_from), ("date_to", self.date_to)):
            try:
                dates[name] = widget.value()
            except ValueError:
                self.rows.error(widget, self.tr("Type a date as dd/mm/yyyy, or leave it empty."))
                return None
        if dates["date_from"] and dates["date_to"] and dates["date_from"] > dates["date_to"]:
            self.rows.error(self.date_to, self.tr("The end date is before the start date."))
            return None
        code = self.bcu.currentData()
        return {**dates, "bcu": Bcu(code) if code else None}

    def request(self) -> ReportRequest | None:
        self.rows.clear()
        self.form_message.clear_message()
        own = self._kind_fields()
        disclosure_ok = self.disclosure.validate()
        password_ok = self.password.validate()
        if own is None or not (disclosure_ok and password_ok):
            first = next((w for w in self.inputs if w in self.rows.messages
                          and self.rows.messages[w].text()), None)
            if first is not None:
                first.setFocus()
            return None
        recipient, purpose = self.disclosure.values()
        return ReportRequest(kind=self.kind, recipient=recipient, purpose=purpose,
                             password=self.password.value(), **own)

    # ---------------------------------------------------------------- building
    def submit(self) -> None:
        if self._busy:
            return
        request = self.request()
        if request is None:
            return
        self._set_busy(True)
        context = self._context
        run_task(lambda: build_report(context, request),
                 on_done=lambda built: self._built(built, request), on_error=self._failed,
                 write=True)

    def save_spreadsheet(self) -> None:
        """KPI only: ask where, then write the workbook in the writer queue (logged there)."""
        if self._busy:
            return
        request = self.request()
        if request is None:
            return
        if request.password:
            self.rows.error(self.password.password, self.tr(
                "A spreadsheet cannot be password-protected: clear the PDF password to save "
                "one, or preview the PDF."))
            self.password.password.setFocus()
            return
        default = str(Path.home() / f"kpi-figures-{date.today():%Y-%m-%d}.xlsx")
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save KPI spreadsheet"), default,
                                              self.tr("Excel workbook (*.xlsx)"))
        if not name:
            return
        out = Path(name)
        if out.suffix.lower() != ".xlsx":
            out = out.with_name(out.name + ".xlsx")
        self._set_busy(True)
        context = self._context
        run_task(lambda: save_kpi_spreadsheet(context, request, out), on_done=self._saved,
                 on_error=self._failed, write=True)

    def _saved(self, out: Path) -> None:
        self._set_busy(False)
        self.spreadsheet_saved.emit(out)
        QMessageBox.information(self, titles()[self.kind], self.tr(
            "The KPI figures were saved as %1 (OFFICIAL-SENSITIVE; recorded in the audit log).")
            .replace("%1", out.name))
        self.accept()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (*self.inputs, self.build_button, *([self.xlsx_button]
                                                          if self.xlsx_button else [])):
            widget.setEnabled(not busy)
        if self.kind is ReportKind.CASE and not busy:
            self.voice_reason.setEnabled(self.include_voice.isChecked())
        if not busy:
            self.password.confirm.setEnabled(bool(self.password.password.text()))
        if busy:
            self.busy.start(self.tr("Building the %1… (a long report can take a few seconds)")
                            .replace("%1", titles()[self.kind].lower()))
        else:
            self.busy.stop()

    def _built(self, built: BuiltReport, request: ReportRequest) -> None:
        self._set_busy(False)
        self.report_built.emit(built, request)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, NotFound) and self.kind is ReportKind.CASE:
            self.rows.error(self.case_ref, self.tr(
                "No single case matches that reference; check it on the board."))
            self.case_ref.setFocus()
        elif isinstance(exc, RecordInvalid) and self.kind is ReportKind.CASE:
            self.rows.error(self.voice_reason, str(exc.problems[0].message).capitalize() + ".")
        elif isinstance(exc, UserFacingError):
            self.form_message.show_message(str(exc))
        else:
            log.error("report not built", extra={"status": type(exc).__name__})
            self.form_message.show_message(self.tr(
                "The report could not be built; nothing was recorded as disclosed. "
                "Please try again."))
