"""The tracker workbook opens and prints well: read back with openpyxl, and printed to PDF by
LibreOffice Calc (headless), whose text must show every date in full (no ``###``)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from tracker_helpers import london, make_row

from fieldapp.domain.enums import VictimGoal
from fieldapp.tracker import TrackerRow, write_xlsx
from fieldapp.tracker.row import COLUMNS

LONG_REF = "LC-20221029-0183800000000000-XYZ"  # 32 characters, the longest a reference may be
LONG_DISTRICT = "SOUTH RIBBLE AND WEST LANCASHIRE NORTH"
ALL_GOALS = tuple(goal.value for goal in VictimGoal)  # 172 characters joined: more than a column


def _rows(count: int) -> list[TrackerRow]:
    start = london(2022, 10, 1, 8, 5)
    rows = []
    for i in range(count):
        police = start + timedelta(hours=7 * i, minutes=i)
        rows.append(make_row(
            police_incident_ref=LONG_REF if i == 3 else f"LC-2022{i:05d}",
            district=LONG_DISTRICT if i == 5 else "BLACKPOOL",
            police_visit_at=police, idva_visit_at=police + timedelta(hours=20 + i % 9),
            idva_code="IDVA07", dash_score=i % 25, children_in_household=i % 4,
            outcome_code="16",
            victim_goals=ALL_GOALS if i == 7 else ("BE_DA_FREE", "NO_POLICE_INVOLVEMENT"),
        ))
    return rows


def _workbook(rows: list[TrackerRow]) -> bytes:
    out = io.BytesIO()
    write_xlsx(rows, out, exported_by="Coordinator Byrne", exported_at=london(2022, 12, 1, 9, 0))
    return out.getvalue()


def _shown(value: object, number_format: str) -> str:
    """The text Excel shows for a value under its number format (the formats this file uses)."""
    if isinstance(value, datetime):
        python = (number_format.replace("yyyy", "%Y").replace("mm-dd", "%m-%d")
                  .replace("dd", "%d").replace("hh", "%H").replace("mm", "%M").replace("ss", "%S"))
        return value.strftime(python)
    if isinstance(value, float) and number_format == "0.0":
        return f"{value:.1f}"
    return "" if value is None else str(value)


def test_header_frozen_bold_filtered_and_print_setup() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(_workbook(_rows(12)))).active
    assert sheet.freeze_panes == "A3"  # the comment line and the header stay in view
    header = [cell for cell in sheet[2]]
    assert [cell.value for cell in header] == list(COLUMNS)
    assert all(cell.font.bold for cell in header)
    assert sheet.auto_filter.ref == f"A2:AA{2 + 12}"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE"
    assert sheet.oddFooter.center.text == "OFFICIAL-SENSITIVE"


def test_dates_are_typed_cells_with_a_readable_format() -> None:
    rows = _rows(4)
    sheet = openpyxl.load_workbook(io.BytesIO(_workbook(rows))).active
    police, idva, hours = sheet["E3"], sheet["F3"], sheet["X3"]
    assert sheet["E2"].value == "police_visit_at" and sheet["X2"].value == "hours_to_idva_visit"
    assert police.is_date and idva.is_date
    assert police.value == datetime(2022, 10, 1, 8, 5)  # London wall time, as a coordinator reads
    assert police.number_format == "yyyy-mm-dd hh:mm:ss"
    assert hours.value == rows[0].hours_to_idva_visit == 20.0 and hours.number_format == "0.0"


def test_every_column_is_as_wide_as_what_it_shows() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(_workbook(_rows(30)))).active
    widest: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=2):  # row 1 is the comment line; it spills over freely
        for cell in row:
            widest[cell.column_letter] = max(widest.get(cell.column_letter, 0),
                                             len(_shown(cell.value, cell.number_format)))
    assert widest["E"] == 19 and widest["B"] == len(LONG_REF) and widest["D"] == len(LONG_DISTRICT)
    goals = sheet["W10"]  # row 8 of the visits: every goal, wider than any column may be
    assert goals.value == ";".join(ALL_GOALS) and goals.alignment.wrap_text
    assert not sheet["W9"].alignment.wrap_text
    assert sheet.row_dimensions[10].height >= 45 and sheet.row_dimensions[9].height is None
    widest["W"] = min(widest["W"], 50)  # the capped column wraps its longest text instead
    for letter, chars in widest.items():
        width = sheet.column_dimensions[letter].width
        # A digit is one unit of width; letters and bold headers need a little more.
        assert width >= chars * 1.1 + 1, (letter, chars, width)
        assert width <= chars * 1.3 + 3, (letter, chars, width)  # fitted, not just wide


def test_libreoffice_prints_every_date_in_full_on_pages_one_wide(tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice Calc is not installed (Debian: libreoffice-calc); make test "
                    "installs it")
    rows = _rows(250)  # more than one printed page, even at the scale one page wide needs
    book = tmp_path / "tracker.xlsx"
    book.write_bytes(_workbook(rows))
    profile = tmp_path / "lo-profile"  # a private profile: parallel runs never share one
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
        check=True, capture_output=True, timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    reader = PdfReader(tmp_path / "tracker.pdf")
    pages = [page.extract_text() or "" for page in reader.pages]
    text = "\n".join(pages)
    assert len(pages) >= 2
    assert "###" not in text
    assert "2022-10-01 08:05:00" in text and LONG_REF in text and LONG_DISTRICT in text
    flat = "".join(text.split())
    assert all(goal in flat for goal in ALL_GOALS), "a long goals cell was cut off"
    for number, page in enumerate(pages, start=1):
        box = reader.pages[number - 1].mediabox
        assert box.width > box.height, f"page {number} is not landscape"
        assert page.count("OFFICIAL-SENSITIVE") >= 2, f"page {number} lacks its markings"
        # One page wide: the first and the last column's header on every printed page.
        assert "visit_id" in page and "financial_quarter" in page, f"page {number}"
