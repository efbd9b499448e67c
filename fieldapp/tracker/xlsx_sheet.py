"""How the tracker workbook opens and prints: widths fitted to the content, a frozen, bold,
filtered header row, and a landscape print one page wide with the header row on every page.

Why the sheet is held back: Excel reads column widths (``<cols>``) before the rows, but the rows
are streamed from a one-shot iterator and their widths are only known at the end. So the
worksheet XML is written to a zlib-compressed buffer in memory (never to a temporary file, which
openpyxl's own save would do, in clear), while each cell's displayed width is measured; the
measured ``<cols>`` is then put in front of ``<sheetData>`` as the XML is copied into the
archive. The buffer is a fraction of the compressed workbook the caller holds anyway.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, BinaryIO

DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"  # ISO order: no day/month confusion, sorts as text too
HOURS_FORMAT = "0.0"
_SHOWN = {DATETIME_FORMAT: 19, "yyyy-mm-dd": 10, "hh:mm:ss": 8}
MAX_WIDTH = 60.0  # a longer text (victim goals) wraps at the sheet's edge instead of a 200-char column
# Excel's width unit is one digit of the default font; capitals and the bold header run wider.
_CHAR = 1.15
_PADDING = 2.0
MAX_CHARS = int((MAX_WIDTH - _PADDING) / _CHAR)  # the most a capped column shows unwrapped


def shown_chars(value: Any, number_format: str = "General") -> int:
    """How many characters Excel shows for ``value`` in ``number_format`` (wide East Asian
    characters count twice)."""
    if value is None:
        return 0
    if isinstance(value, datetime | date | time):
        return _SHOWN.get(number_format, 19)
    if isinstance(value, bool):
        return len(str(value).upper())
    if isinstance(value, float):
        return len(f"{value:.1f}") if number_format == HOURS_FORMAT else len(repr(value))
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_width(chars: int) -> float:
    """The width to give a column whose widest value shows ``chars`` characters."""
    return min(MAX_WIDTH, round(chars * _CHAR + _PADDING, 1))


class Widths:
    """The widest shown value per column (1-based, as openpyxl counts)."""

    def __init__(self) -> None:
        self.chars: dict[int, int] = {}

    def see(self, column: int, value: Any, number_format: str = "General") -> None:
        chars = shown_chars(value, number_format)
        if chars > self.chars.get(column, 0):
            self.chars[column] = chars

    def apply(self, ws: Any) -> None:
        from openpyxl.utils import get_column_letter

        for column, chars in sorted(self.chars.items()):
            ws.column_dimensions[get_column_letter(column)].width = column_width(chars)


def set_up_printing(ws: Any, *, marking: str, title: str, header_row: int) -> None:
    """Landscape, one page wide (as many pages down as needed), the header row repeated on
    every printed page, the marking centred in the printed header and footer."""
    for header_footer in (ws.oddHeader, ws.oddFooter):
        header_footer.center.text = marking
    ws.oddHeader.left.text = title
    ws.oddFooter.right.text = "Page &P of &N"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4 (ECMA-376 paper size 9)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # 0: as many pages tall as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.gridLines = True


class _CompressedSink:
    """A write-only file object that keeps what is written zlib-compressed in memory."""

    def __init__(self) -> None:
        self._zip = zlib.compressobj(1)
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(self._zip.compress(data))
        return len(data)

    def flush(self) -> None:  # et_xmlfile may flush; the data stays in memory
        return None

    def copy_to(self, out: BinaryIO, *, before_rows: bytes) -> None:
        """Decompress into ``out``, with ``before_rows`` inserted just before ``<sheetData``."""
        self._chunks.append(self._zip.flush())
        unzip = zlib.decompressobj()
        head = b""
        inserted = False
        chunks, self._chunks = self._chunks, []
        for chunk in chunks:
            data = unzip.decompress(chunk)
            if inserted:
                out.write(data)
                continue
            head += data
            at = head.find(b"<sheetData")
            if at >= 0:
                out.write(head[:at] + before_rows + head[at:])
                inserted = True
        if not inserted:
            raise ValueError("worksheet XML without <sheetData>")
        out.write(unzip.flush())


def streaming_writer(book: Any, archive: Any, fill: Callable[[Any], Widths]) -> Any:
    """An openpyxl ExcelWriter whose (single) worksheet is filled by ``fill`` as it is written,
    with the column widths ``fill`` measured. Relies on openpyxl 3.1 internals (pinned <4 in
    pyproject); the round-trip and layout tests fail loudly if they change."""
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.writer.excel import ExcelWriter
    from openpyxl.xml.functions import tostring

    class StreamingExcelWriter(ExcelWriter):  # type: ignore[misc]
        def write_worksheet(self, ws: Any) -> None:
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            sink = _CompressedSink()
            ws._writer = WorksheetWriter(ws, out=sink)
            ws._writer.write_top()  # no <cols> yet: the widths are measured while filling
            widths = fill(ws)
            ws.close()
            widths.apply(ws)
            cols = ws.column_dimensions.to_tree()
            with self._archive.open(ws.path[1:], "w", force_zip64=True) as entry:
                sink.copy_to(entry, before_rows=b"" if cols is None else tostring(cols))
            ws._rels = ws._writer._rels
            self.manifest.append(ws)

    return StreamingExcelWriter(book, archive)
