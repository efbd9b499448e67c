"""Writers for tracker v1 files (CSV and XLSX) onto a binary stream.

The caller owns the stream: it writes to a BytesIO (or the vault's encrypted writer) and then
moves the bytes atomically into place, so a failed export never leaves half a file behind. The
stream is flushed but never closed here.

Every text cell goes through :func:`~fieldapp.tracker.cells.defuse` (OWASP CSV injection): a
value starting with ``= + - @``, tab, CR or NUL is written with a leading ``'`` that the reader
removes again. Numbers are written as numbers and are not defused.

Date-times:

- CSV: ISO 8601 in Europe/London local time *with* its offset (``2022-10-29T19:45:00+01:00``),
  readable by a coordinator and unambiguous across the autumn clock change.
- XLSX: real Excel date-time cells holding Europe/London local wall time, *naive* (Excel has no
  time zones), which is what a coordinator expects to see and what the reader assumes for a
  naive value. The one hour a year that is ambiguous in local time (the second 01:00-02:00 on the
  last Sunday of October) is written as ISO text with its offset instead, so it reads back exactly.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, BinaryIO

from fieldapp.domain import clock
from fieldapp.tracker.cells import defuse, ooxml_escape
from fieldapp.tracker.row import COLUMNS, DERIVED, TrackerRow
from fieldapp.tracker.xlsx_sheet import (
    DATETIME_FORMAT,
    HOURS_FORMAT,
    MAX_CHARS,
    Widths,
    set_up_printing,
    shown_chars,
    streaming_writer,
)

MARKING = "OFFICIAL-SENSITIVE"
_HEADER_ROW = 2  # row 1 is the comment line the spec starts every file with
_LINE_HEIGHT = 15.0  # points per line of Calibri 11, Excel's default row height
_UNSAFE_IN_COMMENT = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def comment_line(*, exported_by: str, exported_at: datetime) -> str:
    """The first line of an export; the user name is flattened to one safe line of text."""
    user = _UNSAFE_IN_COMMENT.sub(" ", exported_by).strip()[:80] or "unknown user"
    stamp = clock.as_utc(exported_at).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"# {MARKING} - Operation Provide tracker v1 - exported {stamp} by {user}"


def _values(row: TrackerRow) -> Iterator[tuple[str, Any]]:
    """Each stored column's typed value (None when empty), in export order."""
    for column in COLUMNS:
        if column in DERIVED:
            continue
        value = getattr(row, column)
        if column == "victim_goals":
            value = ";".join(goal.value for goal in value) or None
        yield column, value


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "YES" if value else "NO"
    if isinstance(value, datetime):
        return clock.to_london(value).isoformat(timespec="seconds")
    if isinstance(value, int):
        return str(value)
    return defuse(str(value))


def csv_record(row: TrackerRow) -> list[str]:
    """One row as the CSV spells it, derived columns filled."""
    derived = row.derived()
    return [_csv_text(value) for _, value in _values(row)] + [defuse(derived[c]) for c in DERIVED]


def write_csv(
    rows: Iterable[TrackerRow], out: BinaryIO, *, exported_by: str, exported_at: datetime
) -> int:
    """Write a tracker v1 CSV (UTF-8 with BOM, CRLF, RFC 4180 quoting); returns the row count."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=False)
    try:
        text.write(comment_line(exported_by=exported_by, exported_at=exported_at) + "\r\n")
        writer = csv.writer(text, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(COLUMNS)
        count = 0
        for row in rows:
            writer.writerow(csv_record(row))
            count += 1
        text.flush()
    finally:
        text.detach()  # leave the caller's stream open
    return count


# ---- XLSX ------------------------------------------------------------------------------------


def _xlsx_value(column: str, value: Any) -> Any:
    if isinstance(value, bool):
        return "YES" if value else "NO"  # text, as the spec spells it, not Excel's TRUE/FALSE
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, datetime):
        local = clock.to_london(value)
        if local.fold:  # the repeated autumn hour: naive wall time would read back an hour early
            return local.isoformat(timespec="seconds")
        return local.replace(tzinfo=None)
    return ooxml_escape(defuse(str(value)))


def write_xlsx(
    rows: Iterable[TrackerRow], out: BinaryIO, *, exported_by: str, exported_at: datetime
) -> int:
    """Write a tracker v1 workbook: comment row, header row, one typed row per visit. It opens
    ready to use (widths fitted, header frozen, bold and filtered) and prints landscape, one
    page wide, header row on every page, OFFICIAL-SENSITIVE in the printed header and footer
    (xlsx_sheet). Returns the row count.

    The sheet is streamed straight into the zip entry: openpyxl's own save would first write the
    whole sheet, in clear, to a temporary file on disk, which this app must not do.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Tracker v1")
    set_up_printing(sheet, marking=MARKING, title="Operation Provide tracker v1",
                    header_row=_HEADER_ROW)
    sheet.freeze_panes = f"A{_HEADER_ROW + 1}"
    book.properties.title = "Operation Provide tracker v1"
    book.properties.subject = MARKING
    book.properties.keywords = MARKING
    book.properties.creator = "fieldapp"
    book.properties.created = book.properties.modified = clock.as_utc(exported_at).replace(tzinfo=None)
    count = 0

    def typed_cell(ws: Any, widths: Widths, column: int, value: Any, number_format: str) -> Any:
        widths.see(column, value, number_format)
        if number_format == "General":
            return value
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = number_format
        return cell

    def fill(ws: Any) -> Widths:
        nonlocal count
        widths = Widths()
        ws.append([comment_line(exported_by=exported_by, exported_at=exported_at)])
        bold = Font(bold=True)
        wrap = Alignment(wrap_text=True, vertical="top")
        header = []
        for column, name in enumerate(COLUMNS, start=1):
            widths.see(column, name)
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            cell.alignment = Alignment(vertical="top")
            header.append(cell)
        ws.append(header)
        for row in rows:
            cells: list[Any] = []
            height = 0.0
            for column, (name, value) in enumerate(_values(row), start=1):
                typed = _xlsx_value(name, value)
                fmt = DATETIME_FORMAT if isinstance(typed, datetime) else "General"
                cell = typed_cell(ws, widths, column, typed, fmt)
                chars = shown_chars(typed) if isinstance(typed, str) else 0
                if chars > MAX_CHARS:  # all ten goals: wrapped on a taller row, never clipped
                    cell = WriteOnlyCell(ws, value=typed)
                    cell.alignment = wrap
                    lines = -(-chars // MAX_CHARS)
                    height = max(height, lines * _LINE_HEIGHT)
                cells.append(cell)
            derived = row.derived()
            column = len(cells) + 1
            cells.append(typed_cell(ws, widths, column, row.hours_to_idva_visit, HOURS_FORMAT))
            for offset, name in enumerate(DERIVED[1:], start=1):
                cells.append(typed_cell(ws, widths, column + offset, derived[name] or None,
                                        "General"))
            if height:  # read when the row is written, so set before it
                ws.row_dimensions[_HEADER_ROW + count + 1].height = height
            ws.append(cells)
            count += 1
        last = get_column_letter(len(COLUMNS))
        ws.auto_filter.ref = f"A{_HEADER_ROW}:{last}{_HEADER_ROW + max(count, 1)}"
        return widths

    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        streaming_writer(book, archive, fill).save()
    out.flush()
    return count
