"""Reader behaviour: file-level errors, header rules, warnings, line numbers and rejections."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from tracker_helpers import make_row

from fieldapp.tracker import RowRejection, TrackerFileError, TrackerRow, read_tracker, write_xlsx

HEADER = "visit_id,police_incident_ref,bcu,police_visit_at,idva_visit_at,idva_support,prosecution_support"
GOOD = ",LC-1,WEST,2022-10-29T19:45,2022-10-30T09:15,ACCEPTED,DECLINED"


def items(path: Path, **options: Any) -> list[TrackerRow | RowRejection]:
    return list(read_tracker(path, **options))


# ---- file-level problems ---------------------------------------------------------------------


def test_missing_required_column_is_a_file_error(write_csv_text: Any) -> None:
    path = write_csv_text("# comment\nvisit_id,police_incident_ref,police_visit_at\n,R,2022-01-01T10:00\n")
    with pytest.raises(TrackerFileError) as caught:
        read_tracker(path)
    message = str(caught.value)
    assert "line 2" in message and "bcu, idva_visit_at, idva_support, prosecution_support" in message


@pytest.mark.parametrize("text", ["", "\r\n\r\n", "# only a comment\r\n# and another\r\n"])
def test_no_header_is_a_file_error(write_csv_text: Any, text: str) -> None:
    with pytest.raises(TrackerFileError, match="no header row"):
        read_tracker(write_csv_text(text))


def test_not_utf8_names_the_line_and_the_fix(write_csv_text: Any) -> None:
    path = write_csv_text(f"{HEADER}\n{GOOD}\n,Café,WEST,2022-10-29T19:45,,,\n", encoding="cp1252")
    with pytest.raises(TrackerFileError, match=r"line 3 is not UTF-8.*CSV UTF-8"):
        read_tracker(path)


def test_utf16_and_workbooks_named_csv_are_explained(write_csv_text: Any, tmp_path: Path) -> None:
    with pytest.raises(TrackerFileError, match="UTF-16"):
        read_tracker(write_csv_text(f"{HEADER}\n", encoding="utf-16"))
    workbook = io.BytesIO()
    write_xlsx([make_row()], workbook, exported_by="x", exported_at=make_row().police_visit_at)
    disguised = tmp_path / "really-a-workbook.csv"
    disguised.write_bytes(workbook.getvalue())
    with pytest.raises(TrackerFileError, match="rename it to .xlsx"):
        read_tracker(disguised)


def test_semicolon_separated_file_is_explained(write_csv_text: Any) -> None:
    with pytest.raises(TrackerFileError, match="separated by ';'"):
        read_tracker(write_csv_text(HEADER.replace(",", ";") + "\n"))


def test_wrong_extension_and_fake_xlsx(tmp_path: Path, write_csv_text: Any) -> None:
    for name, pattern in [("t.txt", r"\.csv or \.xlsx"), ("t.xls", "Save As"), ("t", "nothing")]:
        path = tmp_path / name
        path.write_text(HEADER)
        with pytest.raises(TrackerFileError, match=pattern):
            read_tracker(path)
    with pytest.raises(TrackerFileError, match="rename it to .csv"):
        read_tracker(write_csv_text(f"{HEADER}\n{GOOD}\n", name="t.xlsx"))
    with pytest.raises(TrackerFileError, match="no such file"):
        read_tracker(tmp_path / "missing.csv")


# ---- header rules and warnings ---------------------------------------------------------------


def test_bom_crlf_case_spaces_and_any_order(write_csv_text: Any) -> None:
    text = ("\ufeff# OFFICIAL-SENSITIVE, \"odd quote\r\n\r\n"
            " BCU ,Police_Visit_At,visit_id , POLICE_INCIDENT_REF,idva_visit_at,Idva_Support,prosecution_support\r\n"
            "west,2022-10-29T19:45,,LC-1,,undecided,not_offered\r\n")
    reader = read_tracker(write_csv_text(text))
    assert reader.header_line == 3
    assert reader.columns[:4] == ("bcu", "police_visit_at", "visit_id", "police_incident_ref")
    (row,) = list(reader)
    assert isinstance(row, TrackerRow)
    assert row.bcu.value == "WEST" and row.idva_support.value == "UNDECIDED"  # type: ignore[union-attr]
    assert reader.warnings == []


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_ends(write_csv_text: Any, newline: str) -> None:
    text = newline.join(["# c", HEADER, GOOD, ",LC-2,NORTH,2022-10-29T19:45,,,", ""])
    result = items(write_csv_text(text))
    assert isinstance(result[0], TrackerRow)
    assert isinstance(result[1], RowRejection) and result[1].line == 4


def test_unknown_duplicate_and_blank_headers_are_warnings(write_csv_text: Any) -> None:
    text = (f"{HEADER},notes,BCU,,dash_score\n"
            ",LC-1,WEST,2022-10-29T19:45,,,,secret,EAST,,5\n")
    reader = read_tracker(write_csv_text(text))
    (row,) = list(reader)
    assert isinstance(row, TrackerRow) and row.bcu.value == "WEST" and row.dash_score == 5
    warnings = "\n".join(reader.warnings)
    assert "unknown column 'notes' (column 8)" in warnings
    assert "'bcu' appears more than once (column 9 and column 3)" in warnings
    assert "column 10 has no header" in warnings
    assert "secret" not in warnings


def test_derived_values_that_disagree_are_counted_warnings(write_csv_text: Any) -> None:
    text = (f"{HEADER},hours_to_idva_visit,time_band,visit_hour_band,financial_quarter\n"
            f"{GOOD},14.5,le_24h,08-12,2022-23 Q3\n"
            f"{GOOD},13.5,LE_24H,08-12,2022-23 Q3\n"
            f"{GOOD},13.5,GT_1W,,2022-23 Q3\n"
            f"{GOOD},,,,\n")
    reader = read_tracker(write_csv_text(text))
    assert all(isinstance(i, TrackerRow) for i in reader)
    assert reader.warnings == [
        "hours_to_idva_visit: 2 rows held a value that differs from the recomputed one "
        "(first at line 3); the recomputed value is used",
        "time_band: 1 row held a value that differs from the recomputed one (first at line 4); "
        "the recomputed value is used",
    ]


def test_extra_cells_beyond_the_header_are_a_warning(write_csv_text: Any) -> None:
    reader = read_tracker(write_csv_text(f"{HEADER}\n{GOOD},surplus\n{GOOD},\n"))
    assert all(isinstance(i, TrackerRow) for i in reader)
    assert reader.warnings == ["1 row had more cells than the header (first at line 2); the extra cells were not imported"]


# ---- rows ------------------------------------------------------------------------------------


def test_quoted_line_breaks_keep_physical_line_numbers(write_csv_text: Any) -> None:
    text = "\n".join([
        "# comment", HEADER,
        ',"LC\n-1",WEST,2022-10-29T19:45,,,',  # lines 3-4, rejected? no: a line break is allowed text
        ",LC-2,WEST,not a date,,,",  # line 5
        ',"x\n\n\ny",NORTH,2022-10-29T19:45,,,',  # lines 6-9
        ",LC-3,NORTH,2022-10-29T19:45,,,",  # line 10
        "",
    ])
    result = items(write_csv_text(text))
    assert isinstance(result[0], TrackerRow) and result[0].police_incident_ref == "LC\n-1"
    assert [(r.line, r.column) for r in result[1:] if isinstance(r, RowRejection)] == [
        (5, "police_visit_at"), (6, "bcu"), (10, "bcu")
    ]


def test_blank_rows_are_not_data_rows(write_csv_text: Any) -> None:
    result = items(write_csv_text(f"{HEADER}\n\n,,,,,,\n  , ,\n{GOOD}\n\n"))
    assert len(result) == 1 and isinstance(result[0], TrackerRow)


def test_reasons_never_quote_the_value(write_csv_text: Any) -> None:
    secret = "VICTIM-NAME-JANE-DOE-" * 3
    lines = [f",LC-1,{secret},2022-10-29T19:45,,,", f",LC-1,WEST,{secret},,,",
             f",LC-1,WEST,2022-10-29T19:45,,{secret},", f"{secret},LC-1,WEST,2022-10-29T19:45,,,",
             f",{secret},WEST,2022-10-29T19:45,,,"]
    result = items(write_csv_text("\n".join([HEADER, *lines, ""])))
    assert len(result) == 5
    for rejection in result:
        assert isinstance(rejection, RowRejection)
        assert "JANE" not in rejection.reason and len(rejection.reason) < 300


def test_several_bad_cells_are_named_in_one_reason(write_csv_text: Any) -> None:
    text = (f"{HEADER},dash_score,outcome_code\n"
            ",,NORTH,2022-10-29T19:45,,MAYBE,,25,0\n")
    (rejection,) = items(write_csv_text(text))
    assert isinstance(rejection, RowRejection)
    assert rejection.column == "police_incident_ref" and rejection.reason.startswith("is required")
    assert "also check: bcu, dash_score, idva_support, outcome_code" in rejection.reason


def test_huge_cells_and_nul_bytes_become_rejections(write_csv_text: Any) -> None:
    huge = "x" * 300_000
    text = f'{HEADER}\n,"{huge}\n{huge}",WEST,2022-10-29T19:45,,,\n,LC\x00,WEST,2022-10-29T19:45,,,\n{GOOD}\n'
    result = items(write_csv_text(text))
    assert [type(r).__name__ for r in result] == ["RowRejection", "RowRejection", "TrackerRow"]
    assert result[0].line == 2 and "too long" in result[0].reason  # type: ignore[union-attr]
    assert result[1].line == 4 and "control characters" in result[1].reason  # type: ignore[union-attr]


def test_leading_quote_guard_is_removed_on_import(write_csv_text: Any) -> None:
    text = f"{HEADER},district\n,'=1+2,WEST,2022-10-29T19:45,,,,'-x\n,'plain,WEST,2022-10-29T19:45,,,,''@y\n"
    first, second = items(write_csv_text(text))
    assert isinstance(first, TrackerRow) and first.police_incident_ref == "=1+2" and first.district == "-x"
    assert isinstance(second, TrackerRow) and second.police_incident_ref == "'plain" and second.district == "'@y"


def test_goals_outcomes_and_yes_no_are_parsed(write_csv_text: Any) -> None:
    text = (f"{HEADER},victim_goals,outcome_code,marac_referral,ref_refuge,children_in_household\n"
            f"{GOOD}, be_da_free ; ;STAY_IN_HOME;BE_DA_FREE,1a,yes,accepted,3\n"
            f"{GOOD},BE_FREE,,,,\n{GOOD},,,Y,,\n{GOOD},,,,UNDECIDED,\n{GOOD},,,,,-1\n")
    good, *bad = items(write_csv_text(text))
    assert isinstance(good, TrackerRow)
    assert [g.value for g in good.victim_goals] == ["BE_DA_FREE", "STAY_IN_HOME"]
    assert good.outcome_code == "1A" and good.marac_referral is True and good.children_in_household == 3
    assert [r.column for r in bad] == ["victim_goals", "marac_referral", "ref_refuge", "children_in_household"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("police", "reason"),
    [("2022-10-29", "no time"), ("1899-10-29T10:00", "between 2000 and 2099"),
     ("0001-01-01T00:00+01:00", "between 2000 and 2099"), ("2022-13-01T10:00", "real date"),
     ("yesterday", "ISO 8601"), ("2022-10-29T25:00", "real date")],
)
def test_bad_dates_are_rejections(write_csv_text: Any, police: str, reason: str) -> None:
    (rejection,) = items(write_csv_text(f"{HEADER}\n,LC-1,WEST,{police},,,\n"))
    assert isinstance(rejection, RowRejection) and rejection.column == "police_visit_at"
    assert reason in rejection.reason


def test_a_reader_is_read_once_and_counts(write_csv_text: Any) -> None:
    reader = read_tracker(write_csv_text(f"{HEADER}\n{GOOD}\n,,,,,,x\n"))
    assert reader.format == "csv"
    list(reader)
    assert (reader.rows_read, reader.rejected) == (1, 1)
    with pytest.raises(RuntimeError):
        iter(reader)


def test_reader_as_context_manager_closes_the_file(write_csv_text: Any) -> None:
    with read_tracker(write_csv_text(f"{HEADER}\n{GOOD}\n{GOOD}\n")) as reader:
        next(iter(reader))
    assert reader._source._handle.closed  # type: ignore[attr-defined]


def test_current_line_follows_the_items(write_csv_text: Any) -> None:
    reader = read_tracker(write_csv_text(f"# c\n{HEADER}\n{GOOD}\n\n,\"LC\n2\",WEST,2022-10-29T19:45,,,\n{GOOD}\n"))
    seen = [(reader.current_line, item) for item in reader]
    assert [line for line, _ in seen] == [3, 5, 7]
