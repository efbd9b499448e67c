"""The QtPdf back end of the preview: QPdfDocument over a QBuffer, shown in a QPdfView.

Used when the PySide6 wheel ships QtPdf (6.11 does; the 6.12 pip wheels did not), otherwise
:mod:`~fieldapp.ui.dialogs.report_pdf_pages` falls back to pypdfium2. The bytes are read from a
QBuffer: nothing is written to disk. A password is set on the document before it loads.

Two things QPdfView does not do the way the preview needs, so this module does them:

* Zoom. In ``FitToWidth`` mode QPdfView never updates ``zoomFactor`` (it stays at whatever it
  was), so the percentage shown and the next zoom step would be wrong. The view is kept in
  ``Custom`` mode and "fit width" is worked out here, again on every resize while it applies.
* Threads. QPdfView renders in a thread of its own by default, but closing the preview (or a
  lock) closes the document and drops it at once, which must not race a page still rendering.
  The view's renderer is switched to render on the UI thread, only the pages in view, as the
  pypdfium2 back end does.
* Page X of Y. QPdfView's page navigator says page 1 whenever the gap between two pages is at
  its marker line; the current page is worked out here from the same layout.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QMargins, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPalette
from PySide6.QtWidgets import QScrollBar, QStyle, QVBoxLayout, QWidget

from fieldapp.ui.dialogs.report_pdf_pages import (
    PAGE_BACKGROUND,
    PAGE_GAP,
    POINTS_PER_INCH,
    ZOOM_MAX,
    ZOOM_MIN,
    PdfOpenError,
    keep_place,
    qtpdf_module,
    tr,
)


class QtPdfSource:
    """A QPdfDocument reading the bytes from a QBuffer (kept open for the document's life)."""

    def __init__(self, data: bytes, password: str | None = None):
        module = qtpdf_module()
        if module is None:
            raise PdfOpenError("this PySide6 has no QtPdf")
        self.document = module.QPdfDocument()
        self._buffer = QBuffer()
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QBuffer.OpenModeFlag.ReadOnly)
        if password:
            self.document.setPassword(password)  # before load: load is when PDFium decrypts
        self.document.load(self._buffer)  # a QBuffer is random access: loads synchronously
        if self.document.status() != module.QPdfDocument.Status.Ready:
            reason = self.document.error().name
            self.close()
            raise PdfOpenError(reason)

    def page_count(self) -> int:
        return self.document.pageCount()

    def page_size(self, index: int) -> QSizeF:
        return self.document.pagePointSize(index)

    def render(self, index: int, scale: float) -> QImage:
        """The page on white, ``scale`` pixels per point (QtPdf leaves the paper transparent)."""
        size = self.page_size(index) * scale
        pixels = QSize(max(1, round(size.width())), max(1, round(size.height())))
        page = self.document.render(index, pixels)
        image = QImage(pixels, QImage.Format.Format_RGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        painter.drawImage(0, 0, page)
        painter.end()
        return image

    def close(self) -> None:
        """Unload the document and empty the buffer; safe to call twice, or at exit."""
        for qobject, unload in ((self.document, self.document.close),
                                (self._buffer, self._close_buffer)):
            if shiboken6.isValid(qobject):
                unload()

    def _close_buffer(self) -> None:
        self._buffer.close()
        self._buffer.setData(QByteArray())


class QtPdfPagesView(QWidget):
    """The interface of :class:`~fieldapp.ui.dialogs.report_pdf_pages.PagesView` over QPdfView."""

    current_page_changed = Signal(int)  # 0-based
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        from PySide6.QtPdfWidgets import QPdfView

        self.view = QPdfView(self)
        self.view.setAccessibleName(tr("Report pages"))
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setDocumentMargins(QMargins(PAGE_GAP, PAGE_GAP, PAGE_GAP, PAGE_GAP))
        self.view.setPageSpacing(PAGE_GAP)
        palette = self.view.palette()
        palette.setColor(QPalette.ColorRole.Dark, QColor(PAGE_BACKGROUND))  # between the pages
        self.view.setPalette(palette)
        renderer = self.view.findChild(qtpdf_module().QPdfPageRenderer)
        if renderer is not None:
            renderer.setRenderMode(renderer.RenderMode.SingleThreaded)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.setFocusProxy(self.view)
        self._source: QtPdfSource | None = None
        self._zoom = 1.0
        self._fit = True
        self._fit_cap: float | None = 1.0  # opens at the width, but no larger than 100%
        self._current = 0  # the page under a line 40% down the view (not QPdfView's navigator)
        self.view.verticalScrollBar().valueChanged.connect(lambda _v: self._track_page())

    # ---------------------------------------------------------------- pages
    def set_source(self, source: QtPdfSource) -> None:
        self._source = source
        self.view.setDocument(source.document)
        self._apply_zoom()

    def clear(self) -> None:
        """Close the document: QPdfView drops its layout and every rendered page it cached.

        Closed rather than detached: ``setDocument(None)`` makes Qt 6.11 warn about connecting
        its link model to a null document. The view holds a QPointer, so deleting the document
        later (with its :class:`QtPdfSource`) is safe.
        """
        if self._source is not None:
            self._source.close()
        self._source = None

    def page_count(self) -> int:
        return self._source.page_count() if self._source is not None else 0

    def page_image(self, index: int) -> QImage:
        """Page ``index`` rendered as the view shows it now."""
        return self._source.render(index, self._pixels_per_point() * self._zoom
                                   * self.devicePixelRatioF())

    def current_page(self) -> int:
        return self._current

    def go_to(self, index: int) -> None:
        if 0 <= index < self.page_count():
            self.view.verticalScrollBar().setValue(self._page_tops()[index] - PAGE_GAP)

    def _page_tops(self) -> list[int]:
        """Where each page starts, in QPdfView's layout: its margin, then page, gap, page..."""
        if self._source is None:
            return []
        scale = self._pixels_per_point() * self._zoom
        tops, y = [], self.view.documentMargins().top()
        for index in range(self._source.page_count()):
            tops.append(y)
            y += (self._source.page_size(index) * scale).toSize().height() + PAGE_GAP
        return tops

    def _track_page(self) -> None:
        bar = self.view.verticalScrollBar()
        line = bar.value() + self.view.viewport().height() * 0.4
        current = max([i for i, top in enumerate(self._page_tops()) if top <= line], default=0)
        if current != self._current:
            self._current = current
            self.current_page_changed.emit(current)

    # As PagesView, a QScrollArea, has them.
    def verticalScrollBar(self) -> QScrollBar:  # noqa: N802
        return self.view.verticalScrollBar()

    def horizontalScrollBar(self) -> QScrollBar:  # noqa: N802
        return self.view.horizontalScrollBar()

    def viewport(self) -> QWidget:
        return self.view.viewport()

    # ---------------------------------------------------------------- zoom
    @property
    def zoom(self) -> float:
        return self._zoom

    def set_zoom(self, zoom: float) -> None:
        self._fit = False
        self._apply_zoom(max(ZOOM_MIN, min(ZOOM_MAX, zoom)))

    def fit_width(self) -> None:
        self._fit = True
        self._fit_cap = None
        self._apply_zoom()

    def _pixels_per_point(self) -> float:
        # QPdfView sizes pages by the primary screen's logical DPI, whatever screen it is on.
        return QGuiApplication.primaryScreen().logicalDotsPerInch() / POINTS_PER_INCH

    def _fit_zoom(self) -> float:
        if self._source is None or not self.page_count():
            return 1.0
        widest = max(self._source.page_size(i).width() for i in range(self.page_count()))
        margins = self.view.documentMargins()
        bar = self.view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None,
                                            self.view.verticalScrollBar())
        # The room beside a vertical scroll bar, shown or not: fitting never shows or hides it,
        # so a resize cannot bounce between two widths. One pixel spare for QPdfView's rounding.
        room = (self.width() - 2 * self.view.frameWidth() - bar - margins.left()
                - margins.right() - 1)
        zoom = room / (widest * self._pixels_per_point())
        return max(ZOOM_MIN, min(ZOOM_MAX, self._fit_cap or ZOOM_MAX, zoom))

    def _apply_zoom(self, zoom: float | None = None) -> None:
        if self._fit:
            zoom = self._fit_zoom()
        self._zoom = self._zoom if zoom is None else zoom
        keep_place(self.view, lambda: self.view.setZoomFactor(self._zoom))
        self.zoom_changed.emit(self._zoom)
        self._track_page()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self._fit:
            self._apply_zoom()
        self._track_page()
