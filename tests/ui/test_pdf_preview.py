"""The PDF preview on its own, once per back end: QtPdf, and pypdfium2 (its fallback).

Every test takes the ``pdf_backend`` fixture, so each runs twice. The PDFs are drawn here with
reportlab, as the reports are, and encrypted the way the reports are (128-bit, revision 3). No
vault: the preview needs only bytes and a ``record(event, action)`` function, faked here. The
whole path from the Reports menu is in test_report_dialogs.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

from fieldapp.ui import tasks
from fieldapp.ui.dialogs.report_pdf_pages import ZOOM_MAX, ZOOM_MIN, PdfOpenError
from fieldapp.ui.pdf_preview import PRINT_DPI_CAP, PdfPreview
from tests.ui.conftest import activate, unnamed_inputs

PASSWORD = "river lantern 42"
SOURCE_CLASS = {"qtpdf": "QtPdfSource", "pdfium": "PdfiumSource"}


def make_pdf(pages: int, *, wide: bool = False, password: str | None = None) -> bytes:
    """``pages`` pages, each with its number in large type and a frame (ink to look for)."""
    size = landscape(A4) if wide else A4
    encrypt = StandardEncryption(password, canPrint=1, strength=128) if password else None
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=size, encrypt=encrypt)
    for number in range(1, pages + 1):
        canvas.setLineWidth(4)
        canvas.rect(36, 36, size[0] - 72, size[1] - 72)
        canvas.setFont("Helvetica-Bold", 60)
        canvas.drawString(72, size[1] - 150, f"Page {number}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.fixture(scope="module")
def five_pages() -> bytes:
    return make_pdf(5)


class Recorder:
    """Stands in for the audit: runs the action, then notes the event (as one transaction)."""

    def __init__(self):
        self.events: list[str] = []

    def __call__(self, event, action):
        result = action()
        self.events.append(event)
        return result


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def show(qtbot, pdf_backend, recorder):
    def make(data: bytes, *, password: str | None = None, size=(1000, 700)) -> PdfPreview:
        preview = PdfPreview(data, title="Caseload summary", suggested_name="caseload.pdf",
                             password=password, record=recorder)
        qtbot.addWidget(preview)
        preview.resize(*size)
        preview.show()
        qtbot.waitExposed(preview)
        qtbot.wait(20)  # pages render from a zero timer once the size is known
        assert type(preview.source).__name__ == SOURCE_CLASS[pdf_backend]
        return preview
    return make


def page_number(preview: PdfPreview) -> int:
    words = preview.page_label.text().split()
    assert words[0] == "Page" and words[2] == "of" and words[3] == str(preview.page_count())
    return int(words[1])


def inked(image: QImage) -> int:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    return sum(1 for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)
               if image.pixel(x, y) != 0xFFFFFFFF)


# ------------------------------------------------------------------ pages
def test_page_x_of_y_follows_the_scroll_and_go_to(qtbot, show, five_pages):
    preview = show(five_pages)
    assert preview.page_count() == 5
    assert preview.page_label.text() == "Page 1 of 5"
    assert not unnamed_inputs(preview)
    bar = preview.view.verticalScrollBar()
    assert bar.maximum() > 0
    seen = []
    for value in range(0, bar.maximum() + 1, 9):  # gaps between pages included
        bar.setValue(value)
        qtbot.wait(1)
        seen.append(page_number(preview))
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: page_number(preview) == 5)
    assert seen == sorted(seen), "the page number went back while scrolling down"
    assert set(seen) == {1, 2, 3, 4, 5}
    preview.view.go_to(2)
    qtbot.waitUntil(lambda: page_number(preview) == 3)
    assert preview.view.current_page() == 2
    preview.view.go_to(0)
    qtbot.waitUntil(lambda: page_number(preview) == 1)
    assert bar.value() == 0


def test_each_page_renders_with_ink_at_the_zoom_shown(qtbot, show, five_pages):
    preview = show(five_pages)
    for index in (0, 4):
        image = preview.view.page_image(index)
        assert image.width() == pytest.approx(
            A4[0] * preview.view.logicalDpiX() / 72 * preview.view.zoom
            * preview.view.devicePixelRatioF(), abs=1)
        assert inked(image) > 100, f"page {index + 1} is blank"


# ------------------------------------------------------------------ zoom
def test_opens_at_the_width_but_never_above_100_percent(show, five_pages):
    roomy = show(five_pages, size=(1300, 700))  # room for A4 upright at more than 100%
    assert roomy.view.zoom == pytest.approx(1.0)
    assert roomy.zoom_label.text() == "100%"
    wide_pages = show(make_pdf(2, wide=True), size=(1000, 700))  # A4 on its side: no room
    assert wide_pages.view.zoom < 0.9
    assert wide_pages.view.horizontalScrollBar().maximum() == 0
    page = 842 * wide_pages.view.logicalDpiX() / 72 * wide_pages.view.zoom
    assert wide_pages.view.viewport().width() - 80 < page <= wide_pages.view.viewport().width()


def test_zoom_in_out_and_fit_width(qtbot, show, five_pages):
    preview = show(five_pages, size=(1300, 700))
    view = preview.view
    qtbot.mouseClick(preview.zoom_in_button, Qt.MouseButton.LeftButton)
    assert view.zoom == pytest.approx(1.25) and preview.zoom_label.text() == "125%"
    qtbot.mouseClick(preview.zoom_in_button, Qt.MouseButton.LeftButton)
    assert view.zoom == pytest.approx(1.5625) and preview.zoom_label.text() == "156%"
    across = view.horizontalScrollBar()
    assert across.maximum() > 0  # wider than the view now, and zoomed about its middle
    assert across.value() == pytest.approx(across.maximum() / 2, abs=2)
    for _ in range(3):
        qtbot.mouseClick(preview.zoom_out_button, Qt.MouseButton.LeftButton)
    assert view.zoom == pytest.approx(0.8) and preview.zoom_label.text() == "80%"
    image = view.page_image(0)
    assert image.width() == pytest.approx(
        A4[0] * view.logicalDpiX() / 72 * 0.8 * view.devicePixelRatioF(), abs=1)

    qtbot.mouseClick(preview.fit_button, Qt.MouseButton.LeftButton)
    fitted = view.zoom
    assert fitted > 1.0  # no 100% cap once asked for
    assert preview.zoom_label.text() == f"{round(fitted * 100)}%"
    page = A4[0] * view.logicalDpiX() / 72 * fitted
    assert view.horizontalScrollBar().maximum() == 0
    assert view.viewport().width() - 80 < page <= view.viewport().width()

    preview.resize(1000, 700)  # still fitting: follows the window
    qtbot.waitUntil(lambda: view.zoom < fitted)
    assert view.horizontalScrollBar().maximum() == 0
    view.set_zoom(100)
    assert view.zoom == ZOOM_MAX
    view.set_zoom(0.001)
    assert view.zoom == ZOOM_MIN and preview.zoom_label.text() == f"{round(ZOOM_MIN * 100)}%"
    preview.resize(1200, 700)  # a zoom chosen by hand stays as chosen
    qtbot.wait(20)
    assert view.zoom == ZOOM_MIN


def test_zooming_keeps_the_page_in_view(qtbot, show, five_pages):
    preview = show(five_pages)
    preview.view.go_to(2)
    qtbot.waitUntil(lambda: page_number(preview) == 3)
    for step in (preview.zoom_in, preview.zoom_in, preview.zoom_out, preview.view.fit_width):
        step()
        qtbot.wait(1)
        assert page_number(preview) == 3


def test_zoom_shortcuts(qtbot, show, five_pages):
    """Ctrl+= (a UK keyboard's Ctrl++ without Shift), Ctrl+- and Ctrl+0 for fit width."""
    preview = show(five_pages, size=(1300, 700))
    activate(qtbot, preview)
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(preview, Qt.Key.Key_Equal, ctrl)
    qtbot.waitUntil(lambda: preview.view.zoom == pytest.approx(1.25))
    qtbot.keyClick(preview, Qt.Key.Key_Minus, ctrl)  # a button's shortcut: an animated click
    qtbot.waitUntil(lambda: preview.view.zoom == pytest.approx(1.0))
    qtbot.keyClick(preview, Qt.Key.Key_Minus, ctrl)
    qtbot.waitUntil(lambda: preview.view.zoom == pytest.approx(0.8))
    qtbot.keyClick(preview, Qt.Key.Key_0, ctrl)
    qtbot.waitUntil(lambda: preview.view.zoom > 1.0)


# ------------------------------------------------------------------ passwords
def test_a_password_protected_pdf_opens_with_its_password(show):
    preview = show(make_pdf(3, password=PASSWORD), password=PASSWORD)
    assert preview.page_label.text() == "Page 1 of 3"
    assert inked(preview.view.page_image(0)) > 100


@pytest.mark.parametrize("password", [None, "", "river lantern 4"])
def test_a_password_protected_pdf_does_not_open_without_it(qtbot, pdf_backend, password):
    with pytest.raises(PdfOpenError):
        PdfPreview(make_pdf(1, password=PASSWORD), title="Caseload summary",
                   suggested_name="caseload.pdf", password=password)


def test_bytes_that_are_not_a_pdf_do_not_open(qtbot, pdf_backend):
    with pytest.raises(PdfOpenError):
        PdfPreview(b"%PDF-1.4 not really", title="Case summary", suggested_name="case.pdf")


# ------------------------------------------------------------------ printing
def to_pdf_file(printer: QPrinter, path: Path, dpi: int = 100) -> None:
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(dpi)


def test_print_paints_every_page_at_the_printer_resolution(qtbot, show, five_pages, tmp_path,
                                                           monkeypatch, recorder):
    preview = show(five_pages)
    out = tmp_path / "printed.pdf"
    monkeypatch.setattr(QPrintDialog, "exec", lambda dialog: (
        to_pdf_file(dialog.printer(), out), QDialog.DialogCode.Accepted)[1])
    assert preview.print_pdf()
    assert preview.status.text() == "Sent 5 pages to the printer."
    reader = PdfReader(out)
    assert len(reader.pages) == 5
    for page in (reader.pages[0], reader.pages[4]):
        assert float(page.mediabox.width) < float(page.mediabox.height)  # portrait
        (picture,) = page.images
        assert picture.image.width == round(A4[0] / 72 * 100)  # rendered at 100 dpi
        assert picture.image.mode == "RGB"  # white paper, not a transparent layer
        assert picture.image.convert("L").getextrema()[0] < 60  # black ink on it
    tasks.wait_for_all()
    qtbot.waitUntil(lambda: recorder.events == ["printed (5 pages)"])


def test_print_a_range_of_a_landscape_report(show, tmp_path):
    preview = show(make_pdf(4, wide=True))
    printer = preview.make_printer()
    to_pdf_file(printer, tmp_path / "range.pdf", dpi=72)
    printer.setFromTo(2, 3)
    assert preview.paint_pages(printer) == 2
    reader = PdfReader(tmp_path / "range.pdf")
    assert len(reader.pages) == 2
    assert float(reader.pages[0].mediabox.width) > float(reader.pages[0].mediabox.height)


def test_print_renders_no_finer_than_the_cap(show, tmp_path, monkeypatch):
    preview = show(make_pdf(1))
    scales = []
    render = preview.source.render
    monkeypatch.setattr(preview.source, "render",
                        lambda index, scale: scales.append(scale) or render(index, scale))
    printer = preview.make_printer()
    to_pdf_file(printer, tmp_path / "fine.pdf", dpi=1200)
    assert preview.paint_pages(printer) == 1
    assert scales == [pytest.approx(PRINT_DPI_CAP / 72)]


def test_print_cancelled_prints_and_records_nothing(show, five_pages, monkeypatch, recorder):
    preview = show(five_pages)
    monkeypatch.setattr(QPrintDialog, "exec", lambda _d: QDialog.DialogCode.Rejected)
    assert not preview.print_pdf()
    tasks.wait_for_all()
    assert recorder.events == [] and preview.status.text() == ""


# ------------------------------------------------------------------ saving and closing
@pytest.fixture
def save_as(monkeypatch) -> dict[str, Path | None]:
    answer: dict[str, Path | None] = {"path": None}
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (str(answer["path"] or ""), ""))
    return answer


def test_save_writes_the_same_bytes_and_records_it(qtbot, show, save_as, tmp_path, recorder):
    data = make_pdf(2, password=PASSWORD)
    preview = show(data, password=PASSWORD)
    save_as["path"] = tmp_path / "for the manager"  # no suffix: .pdf is added
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: preview.status.text() == "Saved as for the manager.pdf.",
                    timeout=10_000)
    assert (tmp_path / "for the manager.pdf").read_bytes() == data
    assert recorder.events == ["saved as for the manager.pdf"]
    assert preview.save_button.isEnabled()


def test_save_into_a_missing_folder_says_so_and_records_nothing(qtbot, show, five_pages,
                                                                save_as, tmp_path, recorder):
    preview = show(five_pages)
    save_as["path"] = tmp_path / "gone" / "report.pdf"
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "was not saved" in preview.status.text(), timeout=10_000)
    assert recorder.events == [] and preview.save_button.isEnabled()
    save_as["path"] = None  # the save dialog cancelled
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    tasks.wait_for_all()
    assert recorder.events == [] and list(tmp_path.iterdir()) == []


def test_closing_unloads_the_document(show, five_pages, pdf_backend):
    preview = show(five_pages)
    source = preview.source
    preview.reject()
    if pdf_backend == "qtpdf":
        assert source.document.pageCount() == 0
        assert source.document.status() == type(source.document).Status.Null
    else:
        assert source._doc is None
        assert all(label.pixmap().isNull() for label in preview.view._labels)
