"""Clock changes, bands, financial quarters and the visit_id derivation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tracker_helpers import london, make_row

from fieldapp.tracker import RowRejection, TrackerRow, derive_visit_id, read_tracker

HEADER = "visit_id,police_incident_ref,bcu,police_visit_at,idva_visit_at,idva_support,prosecution_support\r\n"


def read_rows(path: Path, **options: Any) -> list[TrackerRow | RowRejection]:
    return list(read_tracker(path, **options))


def test_october_change_adds_the_real_hour(write_csv_text: Any) -> None:
    # 20:00 BST to 19:30 GMT next day: 23.5 h on the wall clock, 24.5 h real.
    path = write_csv_text(HEADER + ",R1,WEST,2022-10-29T20:00,2022-10-30T19:30,ACCEPTED,\r\n")
    (row,) = read_rows(path)
    assert isinstance(row, TrackerRow)
    assert row.hours_to_idva_visit == 24.5
    assert row.time_band is not None and row.time_band.value == "24H_TO_1W"
    assert row.derived()["time_band"] == "24H_TO_1W"


def test_march_change_loses_the_real_hour(write_csv_text: Any) -> None:
    # 20:00 GMT to 20:30 BST next day: 24.5 h on the wall clock, 23.5 h real.
    path = write_csv_text(HEADER + ",R2,WEST,2023-03-25T20:00,2023-03-26T20:30,ACCEPTED,\r\n")
    (row,) = read_rows(path)
    assert isinstance(row, TrackerRow)
    assert row.hours_to_idva_visit == 23.5
    assert row.time_band is not None and row.time_band.value == "LE_24H"


@pytest.mark.parametrize(
    ("elapsed", "band"),
    [
        (timedelta(0), "LE_24H"),
        (timedelta(hours=24), "LE_24H"),
        (timedelta(hours=24, seconds=1), "24H_TO_1W"),
        (timedelta(hours=24, minutes=2), "24H_TO_1W"),  # shows as 24.0 h, still past the mark
        (timedelta(hours=168), "24H_TO_1W"),
        (timedelta(hours=168, seconds=1), "GT_1W"),
    ],
)
def test_time_band_edges(elapsed: timedelta, band: str) -> None:
    start = datetime(2022, 6, 1, 12, tzinfo=UTC)
    row = make_row(police_visit_at=start, idva_visit_at=start + elapsed)
    assert row.time_band is not None and row.time_band.value == band


def test_no_idva_visit_has_no_derived_timing() -> None:
    row = make_row(idva_visit_at=None)
    assert row.hours_to_idva_visit is None and row.time_band is None and row.visit_hour_band is None
    assert row.derived() == {"hours_to_idva_visit": "", "time_band": "", "visit_hour_band": "",
                             "financial_quarter": "2022-23 Q3"}


def test_hours_round_half_up_to_one_decimal() -> None:
    start = datetime(2022, 6, 1, 12, tzinfo=UTC)
    assert make_row(police_visit_at=start, idva_visit_at=start + timedelta(minutes=3)).hours_to_idva_visit == 0.1
    assert make_row(police_visit_at=start, idva_visit_at=start + timedelta(hours=24, minutes=3)).hours_to_idva_visit == 24.1
    assert make_row(police_visit_at=start, idva_visit_at=start + timedelta(minutes=2, seconds=59)).hours_to_idva_visit == 0.0


@pytest.mark.parametrize(
    ("idva_utc", "band"),
    [
        (datetime(2022, 6, 1, 7, 30, tzinfo=UTC), "08-12"),  # 08:30 BST
        (datetime(2022, 12, 1, 7, 30, tzinfo=UTC), "00-08"),  # 07:30 GMT
        (datetime(2022, 6, 1, 18, 59, tzinfo=UTC), "16-20"),  # 19:59 BST
        (datetime(2022, 6, 1, 19, 0, tzinfo=UTC), "20-24"),  # 20:00 BST
        (datetime(2022, 6, 1, 23, 0, tzinfo=UTC), "00-08"),  # 00:00 BST next day
    ],
)
def test_hour_band_uses_london_local_time(idva_utc: datetime, band: str) -> None:
    row = make_row(police_visit_at=idva_utc - timedelta(hours=1), idva_visit_at=idva_utc)
    assert row.visit_hour_band == band


@pytest.mark.parametrize(
    ("local", "quarter"),
    [
        (london(2022, 3, 31, 23, 59), "2021-22 Q4"),
        (london(2022, 4, 1, 0, 0), "2022-23 Q1"),
        (london(2022, 4, 1, 0, 30), "2022-23 Q1"),  # 23:30 UTC on 31 March
        (london(2022, 6, 30, 23, 59), "2022-23 Q1"),
        (london(2022, 7, 1, 0, 0), "2022-23 Q2"),
        (london(2022, 12, 31, 23, 59), "2022-23 Q3"),
        (london(2023, 1, 1, 0, 0), "2022-23 Q4"),
        (london(2023, 3, 31, 23, 59), "2022-23 Q4"),
        (london(2099, 4, 1, 0, 0), "2099-00 Q1"),
    ],
)
def test_financial_quarter_edges(local: datetime, quarter: str) -> None:
    assert make_row(police_visit_at=local, idva_visit_at=None).financial_quarter == quarter


def test_visit_id_is_stable_across_date_styles(write_csv_text: Any) -> None:
    styles = [
        "2022-10-29T19:45", "29/10/2022 19:45", "2022-10-29 19:45", "2022-10-29T19:45:00",
        "2022-10-29T18:45:00Z", "2022-10-29T19:45:00+01:00", "29/10/2022 19:45:00",
        "2022-10-29t19:45",
    ]
    body = "".join(f",LC-7,WEST,{style},,,\r\n" for style in styles)
    rows = read_rows(write_csv_text(HEADER + body), uk_dates=True)
    expected = uuid.uuid5(uuid.NAMESPACE_URL, "tracker:v1:LC-7:2022-10-29T18:45:00Z")
    assert all(isinstance(r, TrackerRow) for r in rows), rows
    assert {r.visit_id for r in rows if isinstance(r, TrackerRow)} == {expected}
    assert derive_visit_id("LC-7", london(2022, 10, 29, 19, 45)) == expected


def test_day_first_dates_need_the_option(write_csv_text: Any) -> None:
    path = write_csv_text(HEADER + ",LC-7,WEST,29/10/2022 19:45,,,\r\n")
    (strict,) = read_rows(path)
    assert isinstance(strict, RowRejection) and strict.column == "police_visit_at"
    assert "29/10/2022" in strict.reason  # the example from the message, not the cell
    (lenient,) = read_rows(path, uk_dates=True)
    assert isinstance(lenient, TrackerRow)
    assert lenient.police_visit_at == datetime(2022, 10, 29, 18, 45, tzinfo=UTC)
    (month_13,) = read_rows(write_csv_text(HEADER + ",LC-7,WEST,10/29/2022 19:45,,,\r\n"), uk_dates=True)
    assert isinstance(month_13, RowRejection) and "real date" in month_13.reason


def test_ambiguous_autumn_hour_reads_as_the_first_unless_offset_given(write_csv_text: Any) -> None:
    body = ",A,WEST,2022-10-30T01:30,,,\r\n,B,WEST,2022-10-30T01:30+00:00,,,\r\n"
    first, second = read_rows(write_csv_text(HEADER + body))
    assert isinstance(first, TrackerRow) and isinstance(second, TrackerRow)
    assert first.police_visit_at == datetime(2022, 10, 30, 0, 30, tzinfo=UTC)
    assert second.police_visit_at == datetime(2022, 10, 30, 1, 30, tzinfo=UTC)


def test_instants_are_utc_whole_seconds() -> None:
    row = make_row(police_visit_at=datetime(2022, 6, 1, 12, 0, 0, 600_000, tzinfo=UTC), idva_visit_at=None)
    assert row.police_visit_at == datetime(2022, 6, 1, 12, 0, 1, tzinfo=UTC)
    assert row.police_visit_at.tzinfo is UTC
    naive = make_row(police_visit_at=datetime(2022, 6, 1, 12, 0), idva_visit_at=None)
    assert naive.police_visit_at == datetime(2022, 6, 1, 11, 0, tzinfo=UTC)  # naive = London


def test_idva_before_police_is_refused_by_the_model() -> None:
    with pytest.raises(ValueError, match="before the police visit"):
        make_row(police_visit_at=london(2022, 6, 2, 10), idva_visit_at=london(2022, 6, 1, 10))
