"""Export -> import gives identical rows; formula triggers are defused in the bytes."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from tracker_helpers import london, make_row

from fieldapp.tracker import (
    COLUMNS,
    RowRejection,
    TrackerRow,
    read_tracker,
    write_csv,
    write_xlsx,
)

EXPORTED_AT = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
TRIGGER_REFS = ["=1+2", "+441234", "-5", "@SUM(A1)", "\tTAB", "\rCR", "'=QUOTED", "'plain"]


def varied_rows() -> list[TrackerRow]:
    rows = [
        make_row(),
        make_row(
            district="BLACKPOOL", idva_code="ID-42", visit_mode="PHONE", police_risk_grade="HIGH",
            dash_score=24, marac_referral=True, ref_refuge="OFFERED", ref_housing="ACCEPTED",
            ref_mental_health="DECLINED", ref_drug_alcohol="ACCEPTED",
            ref_childrens_social_care="OFFERED", repeat_victim=False, repeat_suspect=True,
            children_in_household=0, outcome_code="1a", victim_goals=("BE_DA_FREE", "STAY_IN_HOME"),
            prosecution_support="NOT_OFFERED",
        ),
        make_row(idva_visit_at=None, idva_support=None, prosecution_support=None, dash_score=0,
                 marac_referral=False, outcome_code="22"),
        # across both clock changes, and inside the repeated autumn hour (second 01:30)
        make_row(police_visit_at=london(2022, 10, 29, 20), idva_visit_at=london(2022, 10, 30, 19, 30)),
        make_row(police_visit_at=london(2023, 3, 25, 20), idva_visit_at=london(2023, 3, 26, 20, 30)),
        make_row(police_visit_at=london(2022, 10, 30, 1, 30), idva_visit_at=london(2022, 10, 30, 1, 30, fold=1)),
        make_row(police_visit_at=datetime(2022, 6, 1, 12, 0, 59, tzinfo=UTC),
                 idva_visit_at=datetime(2022, 6, 20, 12, tzinfo=UTC)),
        make_row(police_incident_ref="Ünïcødé ✓ 事件 €", district="Ynys Môn", idva_code="Ø"),
        make_row(police_incident_ref="_x0041_", district="a\r\nb", idva_code="tab\tin"),
    ]
    rows += [make_row(police_incident_ref=ref, district=ref, idva_code=ref) for ref in TRIGGER_REFS]
    return rows


def export(kind: str, rows: list[TrackerRow], tmp_path: Path) -> Path:
    out = io.BytesIO()
    writer = write_csv if kind == "csv" else write_xlsx
    assert writer(rows, out, exported_by="coordinator.smith", exported_at=EXPORTED_AT) == len(rows)
    assert not out.closed
    path = tmp_path / f"export.{kind}"
    path.write_bytes(out.getvalue())
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_import_round_trip_is_identical(kind: str, tmp_path: Path) -> None:
    rows = varied_rows()
    reader = read_tracker(export(kind, rows, tmp_path))
    back = list(reader)
    assert back == rows
    assert reader.warnings == []  # derived columns agree with the recomputed ones
    assert reader.columns == COLUMNS


def test_csv_layout_bom_comment_header_crlf(tmp_path: Path) -> None:
    data = export("csv", [make_row()], tmp_path).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# OFFICIAL-SENSITIVE - Operation Provide tracker v1 - exported 2024-05-01T09:30:00Z by coordinator.smith\r\n")
    lines = data.split(b"\r\n")
    assert lines[1] == ",".join(COLUMNS).encode()
    assert b"2022-10-29T19:45:00+01:00" in lines[2]  # local time with its offset
    assert lines[2].endswith(b",14.5,LE_24H,08-12,2022-23 Q3")  # across the clock change
    assert lines[3] == b""


def test_csv_cells_with_formula_triggers_are_defused_in_the_bytes(tmp_path: Path) -> None:
    rows = [make_row(police_incident_ref=ref) for ref in TRIGGER_REFS]
    text = export("csv", rows, tmp_path).read_bytes().decode("utf-8-sig")
    body = text.split("\r\n", 2)[2]
    assert ",'=1+2," in body and ",'+441234," in body and ",'-5," in body
    assert ",'@SUM(A1)," in body and ",'\tTAB," in body and ",\"'\rCR\"," in body
    assert ",''=QUOTED," in body and ",'plain," in body
    refs = [record[1] for record in csv.reader(io.StringIO(body, newline=""))]
    assert refs == ["'=1+2", "'+441234", "'-5", "'@SUM(A1)", "'\tTAB", "'\rCR", "''=QUOTED", "'plain"]


def _cells_by_column(kind: str, path: Path) -> list[dict[str, object]]:
    """Each data row's cells as the file holds them: CSV text, or XLSX cells with their type."""
    if kind == "csv":
        lines = path.read_bytes().decode("utf-8-sig").split("\r\n", 1)[1]
        return list(csv.DictReader(io.StringIO(lines, newline="")))
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return [{name: sheet.cell(row=r, column=i + 1) for i, name in enumerate(COLUMNS)}
            for r in range(3, sheet.max_row + 1)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_leading_minus_text_is_defused_and_numbers_stay_numbers(kind: str, tmp_path: Path) -> None:
    """A text cell starting with "-" is a formula to a spreadsheet ("-2+3" shows 1, "-A1*10"
    reads another cell), so it gets the guard; a number, negative or not, is written as a number.

    No valid row holds a negative number, so one is made by copying a row without validation:
    the writer must still not mistake it for text to defuse.
    """
    text_row = make_row(police_incident_ref="-2+3", district="-A1*10", idva_code="-")
    number_row = make_row(dash_score=7).model_copy(update={"dash_score": -7,
                                                           "children_in_household": -1})
    path = export(kind, [text_row, number_row], tmp_path)
    texts, numbers = _cells_by_column(kind, path)
    if kind == "xlsx":
        assert {texts[c].data_type for c in ("police_incident_ref", "district", "idva_code")} == {"s"}
        assert numbers["dash_score"].data_type == numbers["children_in_household"].data_type == "n"
        texts = {k: cell.value for k, cell in texts.items()}
        numbers = {k: cell.value for k, cell in numbers.items()}
        assert numbers["dash_score"] == -7 and numbers["children_in_household"] == -1
    else:
        assert numbers["dash_score"] == "-7" and numbers["children_in_household"] == "-1"
    assert texts["police_incident_ref"] == "'-2+3"
    assert texts["district"] == "'-A1*10"
    assert texts["idva_code"] == "'-"
    back = next(iter(read_tracker(path)))
    assert isinstance(back, TrackerRow) and back == text_row  # the guard is removed on import


def test_csv_defusing_of_user_name_and_line_breaks(tmp_path: Path) -> None:
    out = io.BytesIO()
    write_csv([], out, exported_by="=evil\r\nvisit_id", exported_at=EXPORTED_AT)
    first, header, rest = out.getvalue().decode("utf-8-sig").split("\r\n")
    assert first.endswith("by =evil  visit_id") and first.startswith("# ")
    assert header.startswith("visit_id,") and rest == ""


def test_xlsx_layout_marking_typed_cells_and_no_formulas(tmp_path: Path) -> None:
    rows = varied_rows()
    path = export("xlsx", rows, tmp_path)
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    assert "&amp;COFFICIAL-SENSITIVE" in sheet_xml  # in oddHeader and oddFooter
    book = openpyxl.load_workbook(path)  # full mode, to see header/footer and types
    sheet = book.worksheets[0]
    assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE"
    assert sheet.oddFooter.center.text == "OFFICIAL-SENSITIVE"
    assert str(sheet["A1"].value).startswith("# OFFICIAL-SENSITIVE - Operation Provide tracker v1")
    assert [c.value for c in sheet[2]] == list(COLUMNS)
    first = {name: sheet.cell(row=3, column=i + 1).value for i, name in enumerate(COLUMNS)}
    assert first["police_visit_at"] == datetime(2022, 10, 29, 19, 45)  # naive London wall time
    assert sheet.cell(row=3, column=COLUMNS.index("police_visit_at") + 1).is_date
    assert first["hours_to_idva_visit"] == 14.5
    second = {name: sheet.cell(row=4, column=i + 1).value for i, name in enumerate(COLUMNS)}
    assert second["dash_score"] == 24 and second["children_in_household"] == 0
    assert second["marac_referral"] == "YES" and second["outcome_code"] == "1A"
    refs = [sheet.cell(row=r, column=2).value for r in range(3, sheet.max_row + 1)]
    for value in ("'=1+2", "'+441234", "'-5", "'@SUM(A1)", "'\tTAB", "''=QUOTED", "'plain"):
        assert value in refs
    assert "'_x000D_CR" in refs  # XML would turn a raw CR into LF; Excel decodes _x000D_
    assert "_x005F_x0041_" in refs  # a literal escape-like text is itself escaped
    # the repeated autumn hour is written as text with its offset
    autumn = {name: sheet.cell(row=8, column=i + 1).value for i, name in enumerate(COLUMNS)}
    assert autumn["idva_visit_at"] == "2022-10-30T01:30:00+00:00"
    assert autumn["police_visit_at"] == datetime(2022, 10, 30, 1, 30)


def test_xlsx_export_writes_no_plaintext_temp_file(tmp_path: Path) -> None:
    from openpyxl.worksheet import _writer

    before = list(_writer.ALL_TEMP_FILES)
    export("xlsx", varied_rows(), tmp_path)
    assert _writer.ALL_TEMP_FILES == before


def test_reader_skips_comment_rows_in_xlsx_and_reads_excel_typed_cells(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["# OFFICIAL-SENSITIVE"])
    sheet.append(["# a second comment"])
    sheet.append([" Visit_ID ", "POLICE_INCIDENT_REF", "bcu", "police_visit_at", "idva_visit_at",
                  "idva_support", "prosecution_support", "dash_score", "marac_referral", "outcome_code",
                  "children_in_household"])
    sheet.append([None, 12345, "west", datetime(2022, 10, 29, 19, 45), datetime(2022, 10, 30, 9, 15),
                  "accepted", None, 10.0, True, 1, 2])
    sheet.append([None, "R2", "EAST", "29/10/2022 19:45", None, None, None, 10.5, "maybe", 99, -1])
    sheet.append([])
    sheet.append([None, "R3", "SOUTH", 44863.5, None, None, None, None, None, None, None])
    path = tmp_path / "hand.xlsx"
    book.save(path)
    items = list(read_tracker(path))
    assert len(items) == 3
    row, bad, serial = items
    assert isinstance(row, TrackerRow)
    assert row.police_incident_ref == "12345" and row.dash_score == 10 and row.marac_referral is True
    assert row.outcome_code == "1" and row.children_in_household == 2
    assert row.police_visit_at == datetime(2022, 10, 29, 18, 45, tzinfo=UTC)
    assert isinstance(bad, RowRejection) and bad.line == 5 and bad.column == "police_visit_at"
    for column in ("dash_score", "marac_referral", "outcome_code", "children_in_household"):
        assert column in bad.reason
    assert isinstance(serial, RowRejection) and serial.line == 7 and "format the column" in serial.reason


def test_xlsx_datetime_cells_give_the_same_visit_id_as_text(tmp_path: Path, write_csv_text) -> None:
    book = openpyxl.Workbook()
    book.active.append(["visit_id", "police_incident_ref", "bcu", "police_visit_at", "idva_visit_at",
                        "idva_support", "prosecution_support"])
    book.active.append([None, "LC-7", "WEST", datetime(2022, 10, 29, 19, 45), None, None, None])
    path = tmp_path / "dates.xlsx"
    book.save(path)
    (from_xlsx,) = list(read_tracker(path))
    csv_path = write_csv_text(
        "visit_id,police_incident_ref,bcu,police_visit_at,idva_visit_at,idva_support,prosecution_support\n"
        ",LC-7,WEST,2022-10-29T19:45,,,\n"
    )
    (from_csv,) = list(read_tracker(csv_path))
    assert isinstance(from_xlsx, TrackerRow) and from_xlsx == from_csv


def test_round_trip_of_a_thousand_rows_stays_identical(tmp_path: Path) -> None:
    start = datetime(2022, 4, 1, tzinfo=UTC)
    rows = [
        make_row(police_incident_ref=f"LC-{i:05d}", police_visit_at=start + timedelta(minutes=397 * i),
                 idva_visit_at=start + timedelta(minutes=397 * i + 61 * (i % 300)),
                 dash_score=i % 25, outcome_code=None if i % 7 else "1")
        for i in range(1000)
    ]
    for kind in ("csv", "xlsx"):
        assert list(read_tracker(export(kind, rows, tmp_path))) == rows
