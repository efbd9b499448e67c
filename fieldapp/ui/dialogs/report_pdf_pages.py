"""Pages of a PDF held in memory, as images: the preview's view and the printer's source.

Two back ends, the same small interface (:class:`PageSource`): Qt's own QtPdf when the PySide6
wheel has it, otherwise pypdfium2 (the PDFium engine). Either opens the bytes in memory, with
the password when the PDF has one: no temporary file is ever written. PDFium is not
thread-safe, so every call here runs on the UI thread; pages are rendered lazily, only when
they scroll into view, so a long caseload opens at once.
"""

from __future__ import annotations

import importlib
import math
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QPointF, QSize, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

POINTS_PER_INCH = 72.0
ZOOM_MIN, ZOOM_MAX = 0.25, 4.0


def _tr(text: str) -> str:
    return QCoreApplication.translate("PdfPreview", text)


def qtpdf_module():
    """PySide6.QtPdf if this wheel ships it, else None (the pip wheels for 6.12 here do not)."""
    try:
        return importlib.import_module("PySide6.QtPdf")
    except ImportError:
        return None


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


class QtPdfSource:
    """QPdfDocument over a QBuffer (used when the wheel has QtPdf)."""

    def __init__(self, data: bytes, password: str | None = None):
        from PySide6.QtCore import QBuffer, QByteArray

        module = qtpdf_module()
        self.document = module.QPdfDocument()
        self._buffer = QBuffer()
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QBuffer.OpenModeFlag.ReadOnly)
        if password:
            self.document.setPassword(password)
        self.document.load(self._buffer)
        if self.document.status() != module.QPdfDocument.Status.Ready:
            raise PdfOpenError(str(self.document.error()))

    def page_count(self) -> int:
        return self.document.pageCount()

    def page_size(self, index: int) -> QSizeF:
        return self.document.pagePointSize(index)

    def render(self, index: int, scale: float) -> QImage:
        size = self.page_size(index) * scale
        return self.document.render(index, QSize(round(size.width()), round(size.height())))

    def close(self) -> None:
        self.document.close()
        self._buffer.close()
        self._buffer.setData(b"")


def open_source(data: bytes, password: str | None = None) -> PageSource:
    return QtPdfSource(data, password) if qtpdf_module() is not None else PdfiumSource(data, password)


class PagesView(QScrollArea):
    """Every page one under another, on grey, rendered when it scrolls into view."""

    current_page_changed = Signal(int)  # 0-based
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(_tr("Report pages"))
        self.setWidgetResizable(False)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.setStyleSheet("QScrollArea, QScrollArea > QWidget#qt_scrollarea_viewport, #pages "
                           "{ background: #7b848c; }")
        self._canvas = QWidget()
        self._canvas.setObjectName("pages")
        self._column = QVBoxLayout(self._canvas)
        self._column.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._column.setSpacing(16)
        self._column.setContentsMargins(16, 16, 16, 16)
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
            label.setAccessibleName(_tr("Page %1 of %2").replace("%1", str(index + 1)).replace(
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
        room = self.viewport().width() - 2 * 16 - 4
        zoom = room / (widest * self._points_to_pixels(1.0))
        return max(ZOOM_MIN, min(ZOOM_MAX, self._fit_cap or ZOOM_MAX, zoom))

    def _points_to_pixels(self, zoom: float) -> float:
        return zoom * self.logicalDpiX() / POINTS_PER_INCH

    def _apply_zoom(self) -> None:
        if self._fit:
            self._zoom = self._fit_zoom()
        if self._source is not None:
            scale = self._points_to_pixels(self._zoom)
            for index, label in enumerate(self._labels):
                size = self._source.page_size(index) * scale
                label.setFixedSize(math.ceil(size.width()), math.ceil(size.height()))
            # Sized by hand (not widgetResizable): the scroll area centres the column of pages.
            self._column.invalidate()
            self._canvas.adjustSize()
        self._rendered.clear()
        self.zoom_changed.emit(self._zoom)
        self._pending.start()

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
        current = None
        for index, label in enumerate(self._labels):
            geometry = label.geometry()
            if geometry.bottom() >= top and geometry.top() <= bottom:
                self._render(index)
                if current is None and geometry.center().y() >= top:
                    current = index
        if current is None and self._labels:
            current = 0
        if current is not None and current != self._current:
            self._current = current
            self.current_page_changed.emit(current)

    def current_page(self) -> int:
        return max(self._current, 0)

    def go_to(self, index: int) -> None:
        if 0 <= index < len(self._labels):
            self.verticalScrollBar().setValue(self._labels[index].geometry().top() - 16)
            self._render_visible()


class QtPdfPagesView(QWidget):
    """The same interface over Qt's QPdfView, used when the wheel ships QtPdf (not testable on
    the 6.12 pip wheels, which have no QtPdf: there :class:`PagesView` is used)."""

    current_page_changed = Signal(int)
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        widgets = importlib.import_module("PySide6.QtPdfWidgets")
        self._view_type = widgets.QPdfView
        self.view = widgets.QPdfView(self)
        self.view.setAccessibleName(_tr("Report pages"))
        self.view.setPageMode(widgets.QPdfView.PageMode.MultiPage)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.setFocusProxy(self.view)
        self._source: QtPdfSource | None = None
        self.view.zoomFactorChanged.connect(lambda z: self.zoom_changed.emit(float(z)))
        self.view.pageNavigator().currentPageChanged.connect(self.current_page_changed.emit)

    def set_source(self, source: QtPdfSource) -> None:
        self._source = source
        self.view.setDocument(source.document)
        self.fit_width()

    def clear(self) -> None:
        self.view.setDocument(None)
        self._source = None

    def page_count(self) -> int:
        return self._source.page_count() if self._source is not None else 0

    def page_image(self, index: int) -> QImage:
        return self._source.render(index, self.logicalDpiX() / POINTS_PER_INCH * self.zoom)

    @property
    def zoom(self) -> float:
        return float(self.view.zoomFactor())

    def set_zoom(self, zoom: float) -> None:
        self.view.setZoomMode(self._view_type.ZoomMode.Custom)
        self.view.setZoomFactor(max(ZOOM_MIN, min(ZOOM_MAX, zoom)))

    def fit_width(self) -> None:
        self.view.setZoomMode(self._view_type.ZoomMode.FitToWidth)

    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to(self, index: int) -> None:
        self.view.pageNavigator().jump(index, QPointF(), self.view.pageNavigator().currentZoom())


def make_view(source: PageSource, parent: QWidget | None = None) -> PagesView | QtPdfPagesView:
    """QPdfView for a QtPdf document, else the pages rendered by PDFium."""
    view = QtPdfPagesView(parent) if isinstance(source, QtPdfSource) else PagesView(parent)
    view.set_source(source)
    return view
