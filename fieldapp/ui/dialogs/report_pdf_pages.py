"""Pages of a PDF held in memory, as images: the preview's view and the printer's source.

Two back ends, the same small interface (:class:`PageSource` and a view with ``zoom``,
``set_zoom``, ``fit_width``, ``page_count``, ``page_image``, ``go_to``, ``clear`` and the
``current_page_changed`` and ``zoom_changed`` signals): Qt's own QtPdf when the PySide6 wheel
has it (:mod:`~fieldapp.ui.dialogs.report_pdf_qtpdf`), otherwise pypdfium2 (the PDFium engine,
here). Either opens the bytes in memory, with the password when the PDF has one: no temporary
file is ever written. PDFium is not thread-safe, so every call here runs on the UI thread;
pages are rendered lazily, only when they scroll into view, so a long caseload opens at once.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QScrollBar, QVBoxLayout, QWidget

POINTS_PER_INCH = 72.0
ZOOM_MIN, ZOOM_MAX = 0.25, 4.0
PAGE_GAP = 16  # pixels around and between the pages
PAGE_BACKGROUND = "#7b848c"  # the grey the pages lie on


def tr(text: str) -> str:
    return QCoreApplication.translate("PdfPreview", text)


def qtpdf_module():
    """PySide6.QtPdf if this wheel ships it (6.11 does; the 6.12 pip wheels did not), else None.

    Tests replace this with ``lambda: None`` to run the pypdfium2 back end.
    """
    try:
        importlib.import_module("PySide6.QtPdfWidgets")
        return importlib.import_module("PySide6.QtPdf")
    except ImportError:
        return None


def keep_place(view, change: Callable[[], None]) -> None:
    """Run ``change`` (a new zoom) keeping the reader's place: the same part of the document at
    the top of ``view``, and the same point across mid-view (a page wider than the view is
    zoomed about its middle, not its left edge)."""
    def share(bar: QScrollBar, anchor: float) -> float:
        total = bar.maximum() + bar.pageStep()
        return (bar.value() + anchor * bar.pageStep()) / total if total > 0 else anchor

    down, across = view.verticalScrollBar(), view.horizontalScrollBar()
    places = [(bar, anchor, share(bar, anchor)) for bar, anchor in ((down, 0.0), (across, 0.5))]
    change()
    for bar, anchor, place in places:
        bar.setValue(round(place * (bar.maximum() + bar.pageStep()) - anchor * bar.pageStep()))


class PdfOpenError(Exception):
    """The bytes could not be opened as a PDF (or the password did not open it)."""


class PageSource(Protocol):
    def page_count(self) -> int: ...
    def page_size(self, index: int) -> QSizeF: ...  # in points (1/72 inch)
    def render(self, index: int, scale: float) -> QImage: ...  # scale: pixels per point
    def close(self) -> None: ...


class PdfiumSource:
    def __init__(self, data: bytes, password: str | None = None):
        import pypdfium2 as pdfium

        self._data = data  # PDFium reads from this buffer for the document's lifetime
        try:
            self._doc = pdfium.PdfDocument(data, password=password)
        except pdfium.PdfiumError as exc:
            raise PdfOpenError(str(exc)) from None
        self._sizes = [QSizeF(*self._doc.get_page_size(i)) for i in range(len(self._doc))]

    def page_count(self) -> int:
        return len(self._sizes)

    def page_size(self, index: int) -> QSizeF:
        return self._sizes[index]

    def render(self, index: int, scale: float) -> QImage:
        page = self._doc[index]
        try:
            bitmap = page.render(scale=scale, prefer_bgrx=True)
            fmt = {"BGRX": QImage.Format.Format_RGB32, "BGRA": QImage.Format.Format_ARGB32}[
                bitmap.mode]
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                           fmt).copy()  # a deep copy: the bitmap's memory is freed below
            bitmap.close()
        finally:
            page.close()
        return image

    def close(self) -> None:
        if self._doc is not None:
            self._doc.close()
            self._doc = None
        self._data = b""


class PagesView(QScrollArea):
    """Every page one under another, on grey, rendered when it scrolls into view."""

    current_page_changed = Signal(int)  # 0-based
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(tr("Report pages"))
        self.setWidgetResizable(False)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.setStyleSheet("QScrollArea, QScrollArea > QWidget#qt_scrollarea_viewport, #pages "
                           f"{{ background: {PAGE_BACKGROUND}; }}")
        self._canvas = QWidget()
        self._canvas.setObjectName("pages")
        self._column = QVBoxLayout(self._canvas)
        self._column.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._column.setSpacing(PAGE_GAP)
        self._column.setContentsMargins(PAGE_GAP, PAGE_GAP, PAGE_GAP, PAGE_GAP)
        self.setWidget(self._canvas)
        self._source: PageSource | None = None
        self._labels: list[QLabel] = []
        self._rendered: dict[int, float] = {}
        self._zoom = 1.0
        self._fit = True
        self._fit_cap: float | None = 1.0  # opens at the width, but no larger than 100%
        self._current = -1
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self._render_visible)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._pending.start())

    # ---------------------------------------------------------------- pages
    def set_source(self, source: PageSource) -> None:
        self._source = source
        for label in self._labels:
            label.deleteLater()
        self._labels = []
        count = source.page_count()
        for index in range(count):
            label = QLabel(self._canvas)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet("background: white;")
            label.setAccessibleName(tr("Page %1 of %2").replace("%1", str(index + 1)).replace(
                "%2", str(count)))
            self._column.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self._labels.append(label)
        self._apply_zoom()

    def clear(self) -> None:
        """Forget every rendered page (on close or lock): no page image stays in memory."""
        for label in self._labels:
            label.clear()
        self._rendered.clear()
        self._source = None

    def page_count(self) -> int:
        return len(self._labels)

    def page_image(self, index: int) -> QImage:
        """What page ``index`` shows now (rendered first if it has not been yet)."""
        self._render(index)
        return self._labels[index].pixmap().toImage()

    # ---------------------------------------------------------------- zoom
    @property
    def zoom(self) -> float:
        return self._zoom

    def set_zoom(self, zoom: float) -> None:
        self._fit = False
        self._zoom = max(ZOOM_MIN, min(ZOOM_MAX, zoom))
        self._apply_zoom()

    def fit_width(self) -> None:
        self._fit = True
        self._fit_cap = None
        self._apply_zoom()

    def _fit_zoom(self) -> float:
        if self._source is None or not self._labels:
            return 1.0
        widest = max(self._source.page_size(i).width() for i in range(len(self._labels)))
        room = self.viewport().width() - 2 * PAGE_GAP - 4
        zoom = room / (widest * self._points_to_pixels(1.0))
        return max(ZOOM_MIN, min(ZOOM_MAX, self._fit_cap or ZOOM_MAX, zoom))

    def _points_to_pixels(self, zoom: float) -> float:
        return zoom * self.logicalDpiX() / POINTS_PER_INCH

    def _apply_zoom(self) -> None:
        if self._fit:
            self._zoom = self._fit_zoom()
        if self._source is not None:
            keep_place(self, self._size_pages)
        self._rendered.clear()
        self.zoom_changed.emit(self._zoom)
        self._pending.start()

    def _size_pages(self) -> None:
        scale = self._points_to_pixels(self._zoom)
        for index, label in enumerate(self._labels):
            size = self._source.page_size(index) * scale
            label.setFixedSize(math.ceil(size.width()), math.ceil(size.height()))
        # Sized by hand (not widgetResizable): the scroll area centres the column of pages.
        self._column.invalidate()
        self._canvas.adjustSize()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self._fit:
            self._apply_zoom()

    # ---------------------------------------------------------------- rendering
    def _render(self, index: int) -> None:
        if self._source is None or self._rendered.get(index) == self._zoom:
            return
        ratio = self.devicePixelRatioF()
        image = self._source.render(index, self._points_to_pixels(self._zoom) * ratio)
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self._labels[index].setPixmap(pixmap)
        self._rendered[index] = self._zoom

    def _render_visible(self) -> None:
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        line = top + self.viewport().height() * 0.4  # as QPdfView: the page under this line
        current = 0 if self._labels else None
        for index, label in enumerate(self._labels):
            geometry = label.geometry()
            if geometry.bottom() >= top and geometry.top() <= bottom:
                self._render(index)
            if geometry.top() <= line:
                current = index
        if current is not None and current != self._current:
            self._current = current
            self.current_page_changed.emit(current)

    def current_page(self) -> int:
        return max(self._current, 0)

    def go_to(self, index: int) -> None:
        if 0 <= index < len(self._labels):
            self.verticalScrollBar().setValue(self._labels[index].geometry().top() - PAGE_GAP)
            self._render_visible()


def open_source(data: bytes, password: str | None = None) -> PageSource:
    """The PDF opened with QtPdf when this PySide6 has it, else with pypdfium2."""
    if qtpdf_module() is None:
        return PdfiumSource(data, password)
    from fieldapp.ui.dialogs.report_pdf_qtpdf import QtPdfSource

    return QtPdfSource(data, password)


def make_view(source: PageSource, parent: QWidget | None = None) -> QWidget:
    """QPdfView for a QtPdf document, else the pages rendered by PDFium."""
    if isinstance(source, PdfiumSource):
        view = PagesView(parent)
    else:
        from fieldapp.ui.dialogs.report_pdf_qtpdf import QtPdfPagesView

        view = QtPdfPagesView(parent)
    view.set_source(source)
    return view
