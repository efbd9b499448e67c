"""Streaming readers for tracker v1 files (CSV and XLSX).

A tracker can be 100,000 rows, so rows are produced one at a time and nothing keeps them: the
caller (import service, KPI engine) decides what to hold. Problems with the file as a whole
(wrong format, not UTF-8, no header, a required column missing) raise :class:`TrackerFileError`
before the first row, with a message a coordinator can act on. Problems with a row never raise:
the row comes out as a :class:`RowRejection` naming its physical line, its column and what was
expected, without quoting the value (the tracker is OFFICIAL-SENSITIVE).
"""

from __future__ import annotations

import codecs
import csv
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from fieldapp.domain.errors import UserFacingError
from fieldapp.tracker.cells import (
    CellProblem,
    cell_text,
    derived_disagreements,
    ooxml_unescape,
)
from fieldapp.tracker.fast_row import read_row
from fieldapp.tracker.row import COLUMNS, DERIVED, REQUIRED, TrackerRow

# The csv module refuses a field over 128 KiB by raising mid-file, and after that error a quoted
# field spanning lines is misparsed. Raising the guard (process-wide, harmless) lets an absurd
# cell be read and then rejected by length like any other bad value.
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))

WHOLE_ROW = "(row)"
"""RowRejection.column when the line itself could not be read."""


class TrackerFileError(UserFacingError):
    """The file cannot be read as a tracker at all; the message says what to do about it."""


@dataclass(frozen=True, slots=True)
class RowRejection:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.reason}"


ReadItem = TrackerRow | RowRejection
_Cells = tuple[Any, ...]


def read_tracker(path: Path, *, uk_dates: bool = False) -> TrackerReader:
    """Open a tracker file (format by extension) and read its header.

    ``uk_dates`` also accepts day-first text dates (``29/10/2022 19:45``), as UK Excel writes them
    when it saves a CSV. It is off by default because tracker v1 says ISO 8601, and the shared
    sample counts a day-first date as a rejected row.
    """
    path = Path(path)
    if not path.is_file():
        raise TrackerFileError(f"{path.name}: no such file; check the name and folder")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        source: _Source = _CsvSource(path)
    elif suffix == ".xlsx":
        source = _XlsxSource(path)
    elif suffix in (".xls", ".xlsm", ".ods", ".numbers"):
        raise TrackerFileError(
            f"{path.name}: this spreadsheet type cannot be imported; in Excel use "
            "File > Save As and choose 'Excel Workbook (.xlsx)' or 'CSV UTF-8 (Comma delimited)'"
        )
    else:
        raise TrackerFileError(
            f"{path.name}: a tracker must be a .csv or .xlsx file (the name ends in '{suffix or 'nothing'}')"
        )
    return TrackerReader(path.name, source, uk_dates=uk_dates)


class TrackerReader:
    """Iterate once for ``TrackerRow | RowRejection``; ``warnings`` is complete after that."""

    def __init__(self, name: str, source: _Source, *, uk_dates: bool = False):
        self.name = name
        self.format = source.format
        self.uk_dates = uk_dates
        self._source = source
        self._file_warnings: list[str] = []
        self._counts: dict[str, list[int]] = {}  # warning key -> [count, first line]
        self.rows_read = 0
        self.rejected = 0
        self.current_line = 0
        """Physical line (CSV) or sheet row (XLSX) of the item last yielded."""
        self._started = False
        try:
            self.header_line, header = source.header()
            self._index = self._map_header(header)
        except BaseException:
            source.close()
            raise
        self.columns: tuple[str, ...] = tuple(self._index)
        """Recognised columns in file order (unknown and duplicate ones are left out)."""

    def _map_header(self, header: _Cells) -> dict[str, int]:
        index: dict[str, int] = {}
        names = [cell_text(c).strip().strip("\ufeff").strip().lower() for c in header]
        last_named = max((i for i, n in enumerate(names) if n), default=-1)
        for position, name in enumerate(names):
            where = f"column {position + 1}"
            if not name:
                if position < last_named:
                    self._file_warnings.append(f"{where} has no header; its cells are not imported")
            elif name in index:
                self._file_warnings.append(
                    f"column '{name}' appears more than once ({where} and column "
                    f"{index[name] + 1}); only the first is imported"
                )
            elif name in COLUMNS:
                index[name] = position
            else:
                shown = name if len(name) <= 40 else name[:37] + "..."
                self._file_warnings.append(f"unknown column '{shown}' ({where}) is not imported")
        missing = [c for c in REQUIRED if c not in index]
        if missing and len(names) == 1 and (";" in names[0] or "\t" in names[0]):
            raise TrackerFileError(
                f"{self.name}: the columns are separated by ';' or tabs, not commas. In Excel use "
                "File > Save As > 'CSV UTF-8 (Comma delimited)'"
            )
        if missing:
            raise TrackerFileError(
                f"{self.name}: the header row (line {self.header_line}) has no "
                f"{', '.join(missing)} column. Tracker v1 needs the columns {', '.join(REQUIRED)} "
                "(visit_id may be left empty in every row). The header must be the first row after "
                "any lines starting with #; column names are matched ignoring case and spaces."
            )
        self._width = len(names)
        return index

    @property
    def warnings(self) -> list[str]:
        """File-level warnings, then one line per kind of row-level warning (counted, not listed,
        so 100,000 disagreeing rows still make a short report)."""
        out = list(self._file_warnings)
        for key, (count, first) in self._counts.items():
            rows = "1 row" if count == 1 else f"{count} rows"
            if key == "extra":
                out.append(f"{rows} had more cells than the header (first at line {first}); the extra cells were not imported")
            else:
                out.append(
                    f"{key}: {rows} held a value that differs from the recomputed one "
                    f"(first at line {first}); the recomputed value is used"
                )
        return out

    def _note(self, key: str, line: int) -> None:
        entry = self._counts.setdefault(key, [0, line])
        entry[0] += 1

    def __iter__(self) -> Iterator[ReadItem]:
        if self._started:
            raise RuntimeError("a TrackerReader can be read only once; call read_tracker again")
        self._started = True
        return self._items()

    def _items(self) -> Iterator[ReadItem]:
        index = list(self._index.items())
        checks_derived = any(c in self._index for c in DERIVED)
        width = self._width
        try:
            for line, raw in self._source.rows():
                self.current_line = line
                if isinstance(raw, str):
                    self.rejected += 1
                    yield RowRejection(line, WHOLE_ROW, raw)
                    continue
                if _blank(raw):
                    continue  # empty lines (and Excel's trailing empty rows) are not data rows
                if len(raw) > width and not _blank(raw[width:]):
                    self._note("extra", line)
                cells = {name: (raw[i] if i < len(raw) else None) for name, i in index}
                item = self._build(line, cells, checks_derived)
                if isinstance(item, RowRejection):
                    self.rejected += 1
                else:
                    self.rows_read += 1
                yield item
        finally:
            self._source.close()

    def _build(self, line: int, cells: dict[str, Any], checks_derived: bool) -> ReadItem:
        try:
            row = read_row(cells, uk_dates=self.uk_dates)  # build_row, with a shortcut for plain cells
            if checks_derived:
                for column in derived_disagreements(row, cells):
                    self._note(column, line)
            return row
        except CellProblem as problem:
            return RowRejection(line, problem.column, problem.reason)
        except Exception:  # a safety net: one odd row must never stop a 100,000-row import
            return RowRejection(line, WHOLE_ROW, "could not be read; check it against the tracker v1 columns")

    def close(self) -> None:
        self._source.close()

    def __enter__(self) -> TrackerReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def _blank(cells: _Cells) -> bool:
    return all(c is None or (isinstance(c, str) and c.strip() == "") for c in cells)


# ---- sources ---------------------------------------------------------------------------------


class _Source:
    format = ""

    def header(self) -> tuple[int, _Cells]:
        raise NotImplementedError

    def rows(self) -> Iterator[tuple[int, _Cells | str]]:
        """(line, cells), or (line, reason) when the line itself cannot be read."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class _CsvSource(_Source):
    format = "csv"

    def __init__(self, path: Path):
        self.name = path.name
        _check_csv_bytes(path)
        # A large buffer: each read from the OS lets go of the GIL, and the import's writer thread
        # then holds it for up to the 5 ms switch interval (1 MiB: ~20 reads for 100,000 rows).
        self._handle: IO[str] = path.open(encoding="utf-8-sig", newline="", buffering=1 << 20)

    def header(self) -> tuple[int, _Cells]:
        lines = iter(self._handle)
        skipped = 0
        for text in lines:
            if text.startswith("#") or text.strip() == "":
                skipped += 1  # comment lines are skipped as raw text: a stray quote in one is harmless
                continue
            break
        else:
            raise TrackerFileError(
                f"{self.name}: no header row; the file is empty or holds only # comment lines"
            )
        self._offset = skipped
        self._reader = csv.reader(itertools.chain([text], lines))
        header = next(self._reader)
        self._done = self._reader.line_num
        return skipped + 1, tuple(header)

    def rows(self) -> Iterator[tuple[int, _Cells | str]]:
        reader = self._reader
        while True:
            start = self._offset + self._done + 1  # a quoted line break makes a record span lines
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error:
                self._done = reader.line_num
                yield start, "the line could not be read as CSV; check its quotes"
                continue
            self._done = reader.line_num
            yield start, tuple(record)

    def close(self) -> None:
        self._handle.close()


def _check_csv_bytes(path: Path) -> None:
    """Refuse a non-UTF-8 file before the first row, so an import never stops half way."""
    name = path.name
    with path.open("rb") as handle:
        head = handle.read(8)
        if head.startswith(b"PK\x03\x04"):
            raise TrackerFileError(f"{name}: this is an Excel workbook, not a CSV; rename it to .xlsx")
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise TrackerFileError(
                f"{name}: this is an old-style or password-protected Excel file, not a CSV; "
                "save it as 'CSV UTF-8 (Comma delimited)'"
            )
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise TrackerFileError(
                f"{name}: the file is UTF-16 ('Unicode Text'); save it as 'CSV UTF-8 (Comma delimited)'"
            )
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        line = 1
        while True:
            chunk = handle.read(1 << 20)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                line += chunk[: max(error.start, 0)].count(b"\n")
                raise TrackerFileError(
                    f"{name}: line {line} is not UTF-8 text. In Excel use File > Save As > "
                    "'CSV UTF-8 (Comma delimited)' and import that file"
                ) from None
            if not chunk:
                return
            line += chunk.count(b"\n")


class _XlsxSource(_Source):
    format = "xlsx"

    def __init__(self, path: Path):
        import openpyxl  # imported here: CSV-only callers do not pay for it
        from openpyxl.utils.exceptions import InvalidFileException

        self.name = path.name
        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as error:
            with path.open("rb") as handle:
                old = handle.read(4) == b"\xd0\xcf\x11\xe0"
            hint = (
                "it is an old-style or password-protected Excel file; remove the password and save as .xlsx"
                if old
                else "it is not a valid .xlsx workbook (if it is a CSV, rename it to .csv)"
            )
            raise TrackerFileError(f"{self.name}: cannot be opened: {hint}") from error
        if not self._book.worksheets:
            self._book.close()
            raise TrackerFileError(f"{self.name}: the workbook has no worksheet")
        sheet = self._book.worksheets[0]
        sheet.reset_dimensions()  # a wrong stored size must not cut rows off
        self._rows = enumerate(sheet.iter_rows(values_only=True), start=1)

    def header(self) -> tuple[int, _Cells]:
        try:
            for number, cells in self._rows:
                first = cells[0] if cells else None
                if (isinstance(first, str) and first.startswith("#")) or _blank(cells):
                    continue
                return number, tuple(ooxml_unescape(c) if isinstance(c, str) else c for c in cells)
        except Exception as error:
            raise TrackerFileError(f"{self.name}: the first sheet cannot be read; the workbook may be damaged") from error
        raise TrackerFileError(
            f"{self.name}: no header row on the first sheet; it is empty or holds only # comment rows"
        )

    def rows(self) -> Iterator[tuple[int, _Cells | str]]:
        try:
            for number, cells in self._rows:
                yield number, tuple(ooxml_unescape(c) if isinstance(c, str) else c for c in cells)
        except GeneratorExit:
            raise
        except Exception as error:
            raise TrackerFileError(f"{self.name}: the first sheet stops being readable part way; the workbook may be damaged") from error

    def close(self) -> None:
        self._book.close()
