"""The import report: four calm figures, the warnings, and a sortable table of rejected rows.

The report carries line numbers, column names and reasons only, never a cell's value, so it
can be saved beside the sheet (atomically, where the user chose) without being a disclosure.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldapp.services.tracker_import import ImportReport
from fieldapp.ui.dialogs.common import (
    FieldMessage,
    Tone,
    em,
    extra_shortcut,
    fit_wrapped_text,
    scaled_font,
)
from fieldapp.ui.dialogs.report_form import note, resize_within_screen
from fieldapp.ui.models.import_report_model import (
    COL_LINE,
    COL_REASON,
    ImportReportModel,
    sorted_proxy,
)
from fieldapp.vault import atomic_write

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("ImportReportDialog", text)


def stopped_text(report: ImportReport) -> str:
    return _tr("The import was stopped after line %1; every row up to it was saved whole. Rows "
               "after it were not read: import the file again to carry on (rows already saved "
               "will count as unchanged).").replace("%1", f"{report.stopped_after_line:,}")


class Figure(QFrame):
    """A large number over a short caption, read out as one phrase ("150 imported")."""

    def __init__(self, value: int, caption: str, parent: QWidget | None = None, *,
                 attention: bool = False):
        super().__init__(parent)
        self.setObjectName("figure")
        colour = "#7a4a00" if attention else "#1f2d38"
        self.setStyleSheet("#figure { background: #f3f5f7; border: 1px solid #dde3e8;"
                           " border-radius: 6px; }"
                           f" #figure QLabel {{ background: transparent; color: {colour}; }}")
        self.value = QLabel(f"{value:,}", self)
        self.value.setFont(scaled_font(self, 2.4, bold=True))
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = QLabel(caption, self)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(em(self, 0.8), em(self, 0.5), em(self, 0.8), em(self, 0.6))
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        self.setAccessibleName(f"{value:,} {caption}")


class ImportReportDialog(QDialog):
    def __init__(self, report: ImportReport, source: Path | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import report"))
        self.report = report
        self._source = source

        heading = QLabel(self.tr("Import report: %1").replace("%1", report.file_name), self)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setFont(scaled_font(self, 1.3, bold=True))
        layout = QVBoxLayout(self)
        layout.setSpacing(em(self, 0.6))
        layout.addWidget(heading)
        if report.cancelled:
            self.stopped = note(self, stopped_text(report), Tone.WARNING)
            layout.addWidget(self.stopped)

        figures = QGridLayout()
        figures.setHorizontalSpacing(em(self, 0.6))
        self.figures = {
            "imported": Figure(report.imported, self.tr("imported"), self),
            "updated": Figure(report.updated, self.tr("updated"), self),
            "unchanged": Figure(report.unchanged, self.tr("unchanged"), self),
            "rejected": Figure(len(report.rejected), self.tr("rejected"), self,
                               attention=bool(report.rejected)),
        }
        for col, figure in enumerate(self.figures.values()):
            figures.addWidget(figure, 0, col)
            figures.setColumnStretch(col, 1)
        layout.addLayout(figures)

        self.warnings = QListWidget(self)
        self.warnings.setAccessibleName(self.tr("Warnings"))
        self.warnings.addItems(report.warnings)
        self.warnings.setStyleSheet("QListWidget::item { padding: 2px 4px; }")
        warnings_title = QLabel(self.tr("Warnings (%1)").replace("%1", str(len(report.warnings))),
                                self)
        warnings_title.setFont(scaled_font(self, 1.05, bold=True))
        warnings_title.setBuddy(self.warnings)
        layout.addWidget(warnings_title)
        if report.warnings:
            self.warnings.setMaximumHeight(em(self, 1.5 * min(len(report.warnings), 4) + 0.6))
            layout.addWidget(self.warnings)
        else:
            self.warnings.hide()
            layout.addWidget(QLabel(self.tr("None: every column was recognised."), self))

        self.model = ImportReportModel(report.rejected, self)
        self.proxy = sorted_proxy(self.model, self)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(self.tr("Rows not imported"))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_LINE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.setStyleSheet("QTableView::item { padding: 3px 6px; }")
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_REASON, QHeaderView.ResizeMode.Stretch)
        rejected_title = QLabel(self.tr("Rows not imported (%1)").replace(
            "%1", str(len(report.rejected))), self)
        rejected_title.setFont(scaled_font(self, 1.05, bold=True))
        rejected_title.setBuddy(self.table)
        layout.addWidget(rejected_title)
        if report.rejected:
            layout.addWidget(note(self, self.tr(
                "Correct these rows in the sheet and import it again; rows already imported "
                "will count as unchanged. Click a column heading to sort."), Tone.INFO))
            layout.addWidget(self.table, 1)
        else:
            self.table.hide()
            layout.addWidget(QLabel(self.tr("None: every row read was imported."), self))
            layout.addStretch(1)

        self.saved_message = FieldMessage(None, self)
        layout.addWidget(self.saved_message)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(self.tr("&Save report…"),
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setAccessibleName(self.tr("Save report"))
        self.save_button.setToolTip(self.tr("Save the rejected rows and warnings as CSV (Ctrl+S)"))
        extra_shortcut(self, self.save_button, QKeySequence.StandardKey.Save)
        self.close_button = buttons.addButton(self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setAccessibleName(self.tr("Close"))
        self.close_button.setDefault(True)
        self.save_button.clicked.connect(self.save_report)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setTabOrder(self.warnings, self.table)
        self.setTabOrder(self.table, self.save_button)
        self.setTabOrder(self.save_button, self.close_button)
        resize_within_screen(self, em(self, 56), em(self, 38))
        fit_wrapped_text(self)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        # Row heights follow the reason column's width, known only once laid out.
        QTimer.singleShot(0, self.table.resizeRowsToContents)

    def figure_values(self) -> dict[str, int]:
        return {name: int(f.value.text().replace(",", "")) for name, f in self.figures.items()}

    def save_report(self) -> Path | None:
        folder = self._source.parent if self._source is not None else Path.home()
        stem = Path(self.report.file_name).stem or "tracker"
        default = str(folder / f"{stem}-import-report.csv")
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save import report"), default,
                                              self.tr("CSV files (*.csv)"))
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() != ".csv":
            path = path.with_name(path.name + ".csv")
        try:
            atomic_write(path, self.report.to_csv())
        except OSError as exc:
            self.saved_message.show_message(self.tr(
                "The report could not be saved there (%1); choose another folder.").replace(
                "%1", exc.strerror or type(exc).__name__), Tone.ERROR)
            return None
        self.saved_message.show_message(
            self.tr("Report saved as %1.").replace("%1", path.name), Tone.OK)
        return path
