"""The reader's shortcut for plain cells (fast_row.read_row) gives exactly what the general path
(cells.build_row) gives: the same row, field for field and with the same fields set, or the same
rejection (column and reason) - for the shared sample, a generated sheet and arbitrary cells."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.tracker import COLUMNS, TrackerRow
from fieldapp.tracker.cells import CellProblem, build_row
from fieldapp.tracker.fast_row import FAST, read_row

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(fn, cells: Mapping[str, object], uk_dates: bool = False) -> tuple:
    try:
        row = fn(cells, uk_dates=uk_dates)
    except CellProblem as problem:
        return ("problem", problem.column, problem.reason)
    assert isinstance(row, TrackerRow)
    return ("row", list(row.__dict__.items()), row.model_fields_set, row.model_dump(mode="json"))


def assert_same(cells: Mapping[str, object], uk_dates: bool = False) -> None:
    assert outcome(read_row, cells, uk_dates) == outcome(build_row, cells, uk_dates)


def file_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    records = list(csv.reader(lines))
    header = [name.strip().lower() for name in records[0]]
    return [dict(zip(header, record, strict=False)) for record in records[1:]]


def test_shared_sample_row_by_row(sample_csv: Path) -> None:
    rows = file_rows(sample_csv)
    assert len(rows) == 156  # 150 good rows and 6 the reader rejects
    for cells in rows:
        assert_same(cells)
        assert_same(cells, uk_dates=True)


def test_generated_sheet_row_by_row(tmp_path: Path) -> None:
    from bench.gen import tracker_csv

    path = tmp_path / "t.csv"
    tracker_csv(path, 600, bad_every=37)
    for cells in file_rows(path):
        assert_same(cells)


PLAIN = {
    "visit_id": ["7f29b67e-2e40-4463-be91-a4ab4dc4b0b9", "7F29B67E-2E40-4463-BE91-A4AB4DC4B0B9",
                 "{7f29b67e-2e40-4463-be91-a4ab4dc4b0b9}", "7f29b67e2e404463be91a4ab4dc4b0b9xxxx"],
    "police_incident_ref": ["LC-1", "x" * 32, "x" * 33, "\tLC", "LC\x01", "'=1", "' LC"],
    "bcu": ["WEST", "west", " EAST"],
    "district": ["FYLDE", "x" * 40, "x" * 41, "A\u00e9", "\ud800"],
    "police_visit_at": ["2022-10-29T19:45", "2022-10-29T19:45:59", "2022-10-29T19:45Z",
                        "2022-10-29T19:45+01:00", "1999-12-31T23:59", "2000-01-01T00:00+01:00",
                        "2099-12-31T23:59:59-01:00", "2022-02-30T10:00", "2022-03-27T01:30",
                        "2022-10-30T01:30", "29/10/2022 19:45", "2022-10-29"],
    "idva_visit_at": ["2022-10-30T08:00", "2022-10-29T19:44", "2022-10-29T19:45", "2022-10-29T19:45:00.6"],
    "dash_score": ["0", "24", "25", "07", "-1"],
    "children_in_household": ["0", "30", "31"],
    "outcome_code": ["1A", "1a", "19", "22"],
    "victim_goals": ["BE_DA_FREE;BE_DA_FREE", "be_da_free", "STAY_IN_HOME;;", "NOPE", ";"],
    "marac_referral": ["YES", "no", "Y"],
    "ref_refuge": ["OFFERED", "NOT_OFFERED"],
}


VALID = {
    "visit_id": "7f29b67e-2e40-4463-be91-a4ab4dc4b0b9", "police_incident_ref": "LC-20221029-01838",
    "bcu": "WEST", "district": "BLACKPOOL", "police_visit_at": "2022-10-29T19:45",
    "idva_visit_at": "2022-10-30T08:10", "idva_support": "ACCEPTED", "prosecution_support": "DECLINED",
    "idva_code": "IDVA03", "visit_mode": "JOINT", "police_risk_grade": "HIGH", "dash_score": "14",
    "marac_referral": "YES", "ref_refuge": "OFFERED", "ref_housing": "", "ref_mental_health": "ACCEPTED",
    "ref_drug_alcohol": "DECLINED", "ref_childrens_social_care": "", "repeat_victim": "NO",
    "repeat_suspect": "YES", "children_in_household": "2", "outcome_code": "15",
    "victim_goals": "BE_DA_FREE;STAY_IN_HOME", "hours_to_idva_visit": "12.4", "time_band": "LE_24H",
}


@st.composite
def cell_maps(draw: st.DrawFn) -> dict[str, object]:
    """A valid plain row with a few cells changed or left out (so both paths are exercised)."""
    cells: dict[str, object] = dict(VALID)
    for column in draw(st.lists(st.sampled_from(COLUMNS), unique=True, max_size=4)):
        choices = PLAIN.get(column, [])
        change = draw(st.one_of(
            st.sampled_from(choices) if choices else st.just(""),
            st.sampled_from(["", None, " ", "YES", "ACCEPTED", "1", "drop"]),
            st.text(max_size=12),
        ))
        if change == "drop":
            cells.pop(column, None)
        else:
            cells[column] = change
    return cells


@SETTINGS
@given(cell_maps(), st.booleans())
def test_arbitrary_cells_give_the_same_outcome(cells: dict[str, object], uk_dates: bool) -> None:
    assert_same(cells, uk_dates)


def test_every_stored_column_has_a_shortcut() -> None:
    from fieldapp.tracker.row import DERIVED

    assert set(FAST) == {c for c in COLUMNS if c not in DERIVED}
