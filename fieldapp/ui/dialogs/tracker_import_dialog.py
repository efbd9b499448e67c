"""Import tracker: choose the date style, run the import in the writer queue, show its progress.

The service commits in batches and checks ``should_cancel`` between them, so Stop is always
safe: every row up to the line it stopped after is saved whole, and nothing after it. Progress
comes back from the worker through :class:`ImportProgress` (a QObject whose signals are queued
to the UI thread); the worker never touches a widget.

While the import runs the dialog cannot be closed by Esc or its close button (either asks the
import to stop instead). A lock rejects every dialog: then the import is asked to stop, the
dialog hides, and it deletes itself when the worker has finished.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.errors import UserFacingError
from fieldapp.services import tracker_import
from fieldapp.services.tracker_import import ImportReport
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.common import (
    Tone,
    em,
    extra_shortcut,
    fit_wrapped_text,
    keep_to_its_text,
    scaled_font,
)
from fieldapp.ui.dialogs.report_form import hint, note
from fieldapp.ui.tasks import run_task

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("ImportTrackerDialog", text)


class ImportProgress(QObject):
    """Emitted from the worker thread; connected slots run on the UI thread (queued)."""

    size_estimated = Signal(int)  # lines in the file (0: unknown, e.g. an .xlsx)
    line_reached = Signal(int)  # the last line read by the latest committed batch


def estimate_lines(path: Path) -> int:
    """Lines in a CSV (a quoted line break counts twice: good enough for a progress bar)."""
    if path.suffix.lower() != ".csv":
        return 0
    count = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def run_import(context: AppContext, path: Path, uk_dates: bool, relay: ImportProgress,
               stop: threading.Event) -> ImportReport:
    """Worker (writer queue): the whole import; the service commits each batch itself."""
    try:
        relay.size_estimated.emit(estimate_lines(path))
    except OSError:
        relay.size_estimated.emit(0)  # the reader will explain what is wrong with the file
    with context.uow() as uow:
        return tracker_import.import_tracker(uow=uow, path=path, progress=relay.line_reached.emit,
                                             should_cancel=stop.is_set, uk_dates=uk_dates)


def choose_tracker_file(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(
        parent, _tr("Import tracker: choose a file"), "",
        _tr("Tracker files (*.csv *.xlsx);;All files (*)"))
    return Path(name) if name else None


class ImportTrackerDialog(QDialog):
    """Options, then progress; emits :attr:`import_finished` with the service's report."""

    import_finished = Signal(object, object)  # ImportReport (complete or cancelled), its Path

    def __init__(self, context: AppContext, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import tracker"))
        self._context = context
        self._path = path
        self._running = False
        self._abandoned = False
        self._stop = threading.Event()
        self._total = 0
        self.relay = ImportProgress(self)
        self.relay.size_estimated.connect(self._size_estimated)
        self.relay.line_reached.connect(self._line_reached)

        heading = QLabel(self.tr("Import tracker"), self)
        heading.setFont(scaled_font(self, 1.3, bold=True))
        self.file_label = QLabel(self)
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)
        self.file_label.setWordWrap(True)
        self.file_label.setFont(scaled_font(self, 1.05, bold=True))
        self.choose_button = QPushButton(self.tr("C&hoose another file…"), self)
        self.choose_button.setAccessibleName(self.tr("Choose another file"))
        self.choose_button.clicked.connect(self._choose)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.choose_button)

        self.uk_dates = QCheckBox(self.tr("Dates are &UK day-first (31/01/2023 09:00)"), self)
        self.uk_dates.setAccessibleName(self.tr("UK day-first dates"))
        keep_to_its_text(self.uk_dates)
        self.uk_dates.setAccessibleDescription(self.tr(
            "Tick when the sheet was saved by Excel with UK dates; otherwise dates must be ISO "
            "8601, such as 2023-01-31T09:00."))
        uk_hint = hint(self, self.tr(
            "Tracker v1 dates are ISO 8601 (2023-01-31T09:00). Tick this when the sheet was saved "
            "from Excel with UK dates. Times without an offset are UK time."))
        rules = note(self, self.tr(
            "Each row is checked on its own: a row with a problem is listed in the report and "
            "never half-imported. Importing the same file again changes nothing."), Tone.INFO)

        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(self.tr("Import progress"))
        self.progress.setTextVisible(False)
        self.progress_label = QLabel(self)
        self.progress_label.setAccessibleName(self.tr("Import status"))
        for widget in (self.progress, self.progress_label):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)  # room kept: the dialog does not jump
            widget.setSizePolicy(policy)
            widget.hide()

        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(self.tr("&Import"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setAccessibleName(self.tr("Import"))
        self.import_button.setDefault(True)
        self.import_button.setToolTip(self.tr("Start the import (Ctrl+Enter)"))
        extra_shortcut(self, self.import_button, QKeySequence("Ctrl+Return"))
        self.cancel_button = self.buttons.addButton(self.tr("Cancel"),
                                                    QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setAccessibleName(self.tr("Cancel"))
        self.import_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self._cancel_clicked)

        layout = QVBoxLayout(self)
        layout.setSpacing(em(self, 0.5))
        layout.addWidget(heading)
        layout.addLayout(file_row)
        layout.addWidget(self.uk_dates)
        layout.addWidget(uk_hint)
        layout.addWidget(rules)
        layout.addStretch(1)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.buttons)
        self.setTabOrder(self.uk_dates, self.choose_button)
        self.setTabOrder(self.choose_button, self.import_button)
        self.setTabOrder(self.import_button, self.cancel_button)
        self.setMinimumWidth(em(self, 32))
        fit_wrapped_text(self)
        self._show_path()
        self.uk_dates.setFocus()

    # ---------------------------------------------------------------- state
    @property
    def running(self) -> bool:
        return self._running

    def _show_path(self) -> None:
        self.file_label.setText(self._path.name)
        self.file_label.setToolTip(str(self._path))
        self.file_label.setAccessibleName(self.tr("File: %1").replace("%1", self._path.name))

    def _choose(self) -> None:
        path = choose_tracker_file(self)
        if path is not None:
            self._path = path
            self._show_path()

    # ---------------------------------------------------------------- running
    def start(self) -> None:
        if self._running:
            return
        self._running = True
        self._stop.clear()
        for widget in (self.uk_dates, self.choose_button, self.import_button):
            widget.setEnabled(False)
        self.cancel_button.setText(self.tr("&Stop import"))
        self.cancel_button.setAccessibleName(self.tr("Stop import"))
        self.progress.setRange(0, 0)
        self.progress.show()
        self.progress_label.setText(self.tr("Reading %1…").replace("%1", self._path.name))
        self.progress_label.show()
        context, path, uk, relay, stop = (self._context, self._path, self.uk_dates.isChecked(),
                                          self.relay, self._stop)
        run_task(lambda: run_import(context, path, uk, relay, stop), on_done=self._finished,
                 on_error=self._failed, write=True)

    def request_stop(self) -> None:
        """Ask the worker to stop after the batch it is saving (every row saved whole)."""
        if not self._running or self._stop.is_set():
            return
        self._stop.set()
        self.cancel_button.setEnabled(False)
        self.progress_label.setText(self.tr(
            "Stopping after the rows being saved now; nothing is half-written…"))

    def _size_estimated(self, lines: int) -> None:
        self._total = lines
        if lines > 0:
            self.progress.setRange(0, lines)
            self.progress.setValue(0)

    def _line_reached(self, line: int) -> None:
        if self._total > 0:
            self.progress.setValue(min(line, self._total))
        if not self._stop.is_set():
            text = (self.tr("Saved every row up to line %1 of about %2.").replace(
                "%2", f"{self._total:,}") if self._total else self.tr(
                "Saved every row up to line %1."))
            self.progress_label.setText(text.replace("%1", f"{line:,}"))

    def _finished(self, report: ImportReport) -> None:
        self._running = False
        if self._abandoned:
            log.info("import finished after its dialog was closed",
                     extra={"status": "cancelled" if report.cancelled else "complete"})
            self.deleteLater()
            return
        self.import_finished.emit(report, self._path)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        if self._abandoned:
            self.deleteLater()
            return
        self._reset()
        if isinstance(exc, UserFacingError):
            QMessageBox.warning(self, self.tr("The tracker could not be imported"), str(exc))
        else:
            log.error("tracker import failed", extra={"status": type(exc).__name__})
            QMessageBox.critical(self, self.tr("The import stopped"), self.tr(
                "The import stopped because of an unexpected error. Rows saved before it are "
                "whole; nothing was half-written. Please try again."))

    def _reset(self) -> None:
        for widget in (self.uk_dates, self.choose_button, self.import_button, self.cancel_button):
            widget.setEnabled(True)
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel"))
        self.progress.hide()
        self.progress_label.hide()

    # ---------------------------------------------------------------- closing
    def _cancel_clicked(self) -> None:
        if self._running:
            self.request_stop()
        else:
            self.reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Escape and self._running:
            self.request_stop()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self._running and not self._abandoned:
            self.request_stop()
            event.ignore()
            return
        super().closeEvent(event)

    def reject(self) -> None:
        """Cancel before starting; while running (a lock), stop the import and hide."""
        if self._running:
            self._abandoned = True
            self.request_stop()
            self.hide()
            self.setResult(QDialog.DialogCode.Rejected)
            return
        super().reject()
