"""PDF preview: the finished report, held in memory, with Print… and Save….

The bytes never touch the disk until the person chooses Save and a place for it (written
atomically by ``fieldapp.reports.write_pdf``); printing paints each page straight onto the
printer, rendered at the printer's resolution (capped at 300 dpi), with no spool file of ours.
Each save and print goes through ``record(event, action)``, which the caller supplies to run
``action`` and record the event in the audit log in one transaction, in the writer queue (so a
file that could not be written is not logged as disclosed, and a lock waits for both).

The preview is a QDialog, so the shell's lock closes it like any other dialog; closing drops
the document and every rendered page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPageLayout, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.reports import write_pdf
from fieldapp.ui.dialogs.common import FieldMessage, Tone, em, scaled_font
from fieldapp.ui.dialogs.report_form import resize_within_screen
from fieldapp.ui.dialogs.report_pdf_pages import PageSource, make_view, open_source
from fieldapp.ui.icons import icon
from fieldapp.ui.tasks import run_task

log = logging.getLogger(__name__)

PRINT_DPI_CAP = 300
ZOOM_STEP = 1.25

# record(event, action): run action() and log the event; called in a worker thread.
Recorder = Callable[[str, Callable[[], object]], object]


def _just_run(_event: str, action: Callable[[], object]) -> object:
    return action()


class PdfPreview(QDialog):
    """Shows ``data`` (opened with ``password`` if it has one); Print…, Save…, zoom, Close."""

    def __init__(self, data: bytes, *, title: str, suggested_name: str,
                 password: str | None = None, record: Recorder | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self._data = data
        self._suggested = suggested_name
        self._record = record or _just_run
        self.source: PageSource = open_source(data, password)
        source = self.source
        self.destroyed.connect(lambda *_: source.close())  # deleted with its parent, unclosed
        self.view = make_view(self.source, self)

        heading = QLabel(title, self)
        heading.setFont(scaled_font(self, 1.2, bold=True))
        self.page_label = QLabel(self)
        self.page_label.setAccessibleName(self.tr("Page number"))
        self.zoom_label = QLabel(self)
        self.zoom_label.setAccessibleName(self.tr("Zoom"))
        self.zoom_label.setMinimumWidth(em(self, 3))
        self.zoom_out_button = self._button(self.tr("Zoom out"), "zoom-out",
                                            QKeySequence.StandardKey.ZoomOut, self.zoom_out)
        self.zoom_in_button = self._button(self.tr("Zoom in"), "zoom-in",
                                           QKeySequence.StandardKey.ZoomIn, self.zoom_in)
        self.fit_button = self._button(self.tr("Fit width"), "fit-width", QKeySequence("Ctrl+0"),
                                       self.view.fit_width)
        self.print_button = self._button(self.tr("&Print…"), "print",
                                         QKeySequence.StandardKey.Print, self.print_pdf)
        self.save_button = self._button(self.tr("&Save…"), "save", QKeySequence.StandardKey.Save,
                                        self.save_pdf)
        self.close_button = self._button(self.tr("Close"), "", None, self.reject)
        # Ctrl+= as well as Ctrl++: on a UK keyboard "+" needs Shift.
        self._shortcut("Ctrl+=", self.zoom_in)

        bar = QHBoxLayout()
        bar.addWidget(heading)
        bar.addSpacing(em(self, 1))
        bar.addWidget(self.page_label)
        bar.addStretch(1)
        for widget in (self.zoom_out_button, self.zoom_label, self.zoom_in_button, self.fit_button):
            bar.addWidget(widget)
        bar.addSpacing(em(self, 1))
        for widget in (self.print_button, self.save_button, self.close_button):
            bar.addWidget(widget)
        marking = FieldMessage(None, self)
        marking.show_message(self.tr(
            "OFFICIAL-SENSITIVE. This preview is not saved anywhere; printing or saving it is "
            "recorded in the audit log with the recipient and purpose you gave."), Tone.WARNING)
        self.status = FieldMessage(None, self)

        layout = QVBoxLayout(self)
        layout.setSpacing(em(self, 0.4))
        layout.addLayout(bar)
        layout.addWidget(marking)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        self.view.current_page_changed.connect(self._show_page)
        self.view.zoom_changed.connect(self._show_zoom)
        order = [self.zoom_out_button, self.zoom_in_button, self.fit_button, self.print_button,
                 self.save_button, self.close_button, self.view]
        for before, after in zip(order, order[1:], strict=False):
            self.setTabOrder(before, after)
        self._show_page(0)
        self._show_zoom(self.view.zoom)
        resize_within_screen(self, em(self, 60), em(self, 48))
        self.save_button.setFocus()

    def _button(self, text: str, icon_name: str, shortcut, slot) -> QPushButton:
        button = QPushButton(icon(icon_name) if icon_name else QIcon(), text, self)
        plain = text.replace("&", "").rstrip("…")
        button.setAccessibleName(plain)
        if shortcut is not None:
            # A dialog action, not button.setShortcut: that would replace the button's own
            # Alt+letter from its "&" (Alt+S did nothing on "&Save…").
            self._shortcut(shortcut, slot)
            button.setToolTip(f"{plain} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})")
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _shortcut(self, keys, slot) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    # ---------------------------------------------------------------- page and zoom
    def page_count(self) -> int:
        return self.view.page_count()

    def _show_page(self, index: int) -> None:
        self.page_label.setText(self.tr("Page %1 of %2").replace("%1", str(index + 1)).replace(
            "%2", str(self.page_count())))

    def _show_zoom(self, zoom: float) -> None:
        self.zoom_label.setText(f"{round(zoom * 100)}%")

    def zoom_in(self) -> None:
        self.view.set_zoom(self.view.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.view.set_zoom(self.view.zoom / ZOOM_STEP)

    # ---------------------------------------------------------------- save
    def save_pdf(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save PDF"),
                                              str(Path.home() / self._suggested),
                                              self.tr("PDF files (*.pdf)"))
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        data, record, event = self._data, self._record, f"saved as {path.name}"
        self.save_button.setEnabled(False)
        run_task(lambda: record(event, lambda: write_pdf(data, path)),
                 on_done=lambda _p: self._saved(path), on_error=self._save_failed, write=True)

    def _saved(self, path: Path) -> None:
        if not shiboken6.isValid(self):
            return  # closed (or locked) meanwhile: the file is written and logged all the same
        self.save_button.setEnabled(True)
        self.status.show_message(self.tr("Saved as %1.").replace("%1", path.name), Tone.OK)

    def _save_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.save_button.setEnabled(True)
        log.error("PDF not saved", extra={"status": type(exc).__name__})
        reason = getattr(exc, "strerror", None) or self.tr("it could not be written")
        self.status.show_message(self.tr(
            "The PDF was not saved (%1); nothing was left behind. Choose another folder.").replace(
            "%1", reason), Tone.ERROR)

    # ---------------------------------------------------------------- print
    def make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._suggested)
        printer.setFullPage(True)  # the report has its own margins
        size = self.source.page_size(0)
        printer.setPageOrientation(QPageLayout.Orientation.Landscape
                                   if size.width() > size.height()
                                   else QPageLayout.Orientation.Portrait)
        printer.setFromTo(1, self.page_count())
        return printer

    def print_pdf(self) -> bool:
        printer = self.make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, False)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        printed = self.paint_pages(printer)
        if printed:
            self.status.show_message(self.tr("Sent %1 pages to the printer.").replace(
                "%1", str(printed)), Tone.OK)
            record, event = self._record, f"printed ({printed} pages)"
            run_task(lambda: record(event, lambda: None), write=True,
                     on_error=lambda exc: log.error("print not recorded",
                                                    extra={"status": type(exc).__name__}))
        return bool(printed)

    def paint_pages(self, printer: QPrinter) -> int:
        """Paint the chosen pages onto ``printer``; the number of pages painted."""
        count = self.page_count()
        first = max(printer.fromPage(), 1) if printer.fromPage() else 1
        last = min(printer.toPage(), count) if printer.toPage() else count
        dpi = min(printer.resolution(), PRINT_DPI_CAP)
        painter = QPainter()
        if not painter.begin(printer):
            self.status.show_message(self.tr("The printer could not be started."), Tone.ERROR)
            return 0
        painted = 0
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for number in range(first, last + 1):
                if painted:
                    printer.newPage()
                area = QRectF(painter.viewport())
                size = self.source.page_size(number - 1)
                fit = min(area.width() / size.width(), area.height() / size.height())
                target = QRectF(area.x(), area.y(), size.width() * fit, size.height() * fit)
                image = self.source.render(number - 1, dpi / 72.0)
                painter.drawImage(target, image)
                painted += 1
        finally:
            painter.end()
            QApplication.restoreOverrideCursor()
        return painted

    # ---------------------------------------------------------------- closing
    def done(self, result: int) -> None:
        self.view.clear()
        self.source.close()
        self._data = b""
        super().done(result)
