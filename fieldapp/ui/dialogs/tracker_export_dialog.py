"""Export tracker: format, recipient and purpose, then where to save; the export runs in the
writer queue and is recorded in the audit log as a disclosure in the same transaction.

Nothing is written before the recipient and purpose are given and a place is chosen; the file
is built in memory by the service and written atomically where the user chose.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.errors import UserFacingError
from fieldapp.services import tracker_export
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
from fieldapp.ui.dialogs.report_form import DisclosureFields, FormRows, note
from fieldapp.ui.tasks import run_task

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("ExportTrackerDialog", text)


def run_export(context: AppContext, out: Path, fmt: str, recipient: str, purpose: str) -> int:
    """Worker (writer queue): write the file, log the disclosure, commit; the row count."""
    with context.uow() as uow:
        count = tracker_export.export_tracker(uow=uow, out=out, fmt=fmt, recipient=recipient,
                                              purpose=purpose)
        uow.commit()
        return count


def with_suffix(name: str, fmt: str) -> Path:
    path = Path(name)
    return path if path.suffix.lower() == f".{fmt}" else path.with_name(f"{path.name}.{fmt}")


class ExportTrackerDialog(QDialog):
    tracker_exported = Signal(object, int)  # the file written, its row count

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export tracker"))
        self._context = context
        self._busy = False

        heading = QLabel(self.tr("Export tracker"), self)
        heading.setFont(scaled_font(self, 1.3, bold=True))
        marking = note(self, self.tr(
            "The file is OFFICIAL-SENSITIVE. It holds no names, addresses, phone numbers, dates "
            "of birth or free text (one row per visit, tracker v1), but keep it only where "
            "OFFICIAL-SENSITIVE material may be kept."), Tone.WARNING)

        self.csv = QRadioButton(self.tr("&CSV (opens in Excel)"), self)
        self.xlsx = QRadioButton(self.tr("E&xcel workbook (.xlsx)"), self)
        self.csv.setAccessibleName(self.tr("Format: CSV"))
        self.xlsx.setAccessibleName(self.tr("Format: Excel workbook"))
        self.csv.setChecked(True)
        self.formats = QButtonGroup(self)
        self.formats.addButton(self.csv)
        self.formats.addButton(self.xlsx)
        format_box = QWidget(self)
        format_row = QHBoxLayout(format_box)
        format_row.setContentsMargins(0, 0, 0, 0)
        format_row.addWidget(self.csv)
        format_row.addWidget(self.xlsx)
        format_row.addStretch(1)

        self.rows = FormRows(self)
        format_label = QLabel(self.tr("Format"), self)
        self.rows.layout.addRow(format_label, format_box)
        self.disclosure = DisclosureFields(self, self.rows, what=self.tr("export"))

        self.busy = BusyRow(self)
        self.form_message = FieldMessage(None, self)
        buttons = QDialogButtonBox(self)
        self.export_button = buttons.addButton(self.tr("&Export…"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setAccessibleName(self.tr("Export"))
        self.export_button.setToolTip(self.tr("Choose where to save, then export (Ctrl+Enter)"))
        extra_shortcut(self, self.export_button, QKeySequence("Ctrl+Return"))
        self.export_button.setDefault(True)
        self.cancel_button = buttons.addButton(self.tr("Cancel"),
                                               QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setAccessibleName(self.tr("Cancel"))
        self.export_button.clicked.connect(self.submit)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(em(self, 0.5))
        layout.addWidget(heading)
        layout.addWidget(marking)
        layout.addLayout(self.rows.layout)
        layout.addStretch(1)
        layout.addWidget(self.busy)
        layout.addWidget(self.form_message)
        layout.addWidget(buttons)
        order = [self.csv, self.xlsx, *self.disclosure.widgets(), self.export_button,
                 self.cancel_button]
        for before, after in zip(order, order[1:], strict=False):
            self.setTabOrder(before, after)
        self.setMinimumWidth(em(self, 34))
        fit_wrapped_text(self)
        self.disclosure.recipient.setFocus()

    def fmt(self) -> str:
        return "xlsx" if self.xlsx.isChecked() else "csv"

    def submit(self) -> None:
        if self._busy:
            return
        self.rows.clear()
        self.form_message.clear_message()
        if not self.disclosure.validate():
            return
        fmt = self.fmt()
        default = str(Path.home() / f"tracker-{date.today():%Y-%m-%d}.{fmt}")
        filters = (self.tr("Excel workbook (*.xlsx)") if fmt == "xlsx"
                   else self.tr("CSV files (*.csv)"))
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export tracker: save as"), default,
                                              filters)
        if not name:
            return
        out = with_suffix(name, fmt)
        recipient, purpose = self.disclosure.values()
        self._set_busy(True)
        context = self._context
        run_task(lambda: run_export(context, out, fmt, recipient, purpose),
                 on_done=lambda count: self._exported(out, count), on_error=self._failed,
                 write=True)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.csv, self.xlsx, *self.disclosure.widgets(), self.export_button):
            widget.setEnabled(not busy)
        if busy:
            self.busy.start(self.tr("Exporting…"))
        else:
            self.busy.stop()

    def _exported(self, out: Path, count: int) -> None:
        self._set_busy(False)
        recipient, _purpose = self.disclosure.values()
        QMessageBox.information(self, self.tr("Tracker exported"), self.tr(
            "%1 rows exported to %2.\n\nRecorded in the audit log as a disclosure to %3. "
            "The file is OFFICIAL-SENSITIVE.").replace("%1", f"{count:,}").replace(
            "%2", out.name).replace("%3", recipient))
        self.tracker_exported.emit(out, count)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, UserFacingError):
            self.form_message.show_message(str(exc))
        else:
            log.error("tracker export failed", extra={"status": type(exc).__name__})
            self.form_message.show_message(self.tr(
                "The tracker could not be exported; nothing was recorded as disclosed. "
                "Please try again."))
