"""The shared sample: 150 rows, 6 rejections, and KPIs equal to the expected JSON field for field."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from scipy.stats import chi2_contingency

from fieldapp.tracker import (
    KpiFilter,
    RowRejection,
    SupportDecision,
    TrackerRow,
    compute_kpis,
    read_tracker,
)


@pytest.fixture(scope="module")
def sample(sample_csv: Path) -> tuple[list[TrackerRow], list[RowRejection]]:
    reader = read_tracker(sample_csv)
    items = list(reader)
    assert reader.warnings == []
    rows = [i for i in items if isinstance(i, TrackerRow)]
    rejections = [i for i in items if isinstance(i, RowRejection)]
    assert len(rows) + len(rejections) == len(items)
    return rows, rejections


def test_sample_reads_150_rows_and_6_rejections(sample: Any) -> None:
    rows, rejections = sample
    assert len(rows) == 150
    assert [(r.line, r.column) for r in rejections] == [
        (153, "bcu"),  # NORTH
        (154, "outcome_code"),  # 99
        (155, "visit_id"),  # not-a-uuid
        (156, "police_visit_at"),  # 31/05/2022 10:00, not ISO 8601
        (157, "idva_visit_at"),  # IDVA before police
        (158, "police_visit_at"),  # 31 February
    ]
    for rejection in rejections:
        assert rejection.reason
        assert "NORTH" not in rejection.reason and "not-a-uuid" not in rejection.reason
        assert "99" not in rejection.reason and "31/05" not in rejection.reason


def test_sample_blank_visit_ids_are_derived_and_enums_case_insensitive(sample: Any) -> None:
    rows, _ = sample
    assert len({row.visit_id for row in rows}) == 150
    west = [row for row in rows if row.police_incident_ref == "LC-20220522-02050"]
    assert west[0].bcu.value == "WEST"
    assert west[0].visit_id.version == 5


def test_sample_kpis_equal_expected_json(sample: Any, expected_kpis: dict[str, Any]) -> None:
    rows, _ = sample
    report = compute_kpis(iter(rows))
    got = report.to_cli_json()
    assert list(got) == list(expected_kpis)
    for key, value in expected_kpis.items():
        assert got[key] == value, key
    assert got == expected_kpis


def test_sample_extras_are_consistent(sample: Any) -> None:
    rows, _ = sample
    report = compute_kpis(rows)
    assert sum(report.visits_by_time_band.values()) + report.visits_without_idva_visit == 150
    assert report.referrals["ref_refuge"] == {
        "OFFERED": sum(r.ref_refuge is not None and r.ref_refuge.value == "OFFERED" for r in rows),
        "ACCEPTED": sum(r.ref_refuge is not None and r.ref_refuge.value == "ACCEPTED" for r in rows),
        "DECLINED": sum(r.ref_refuge is not None and r.ref_refuge.value == "DECLINED" for r in rows),
    }
    by_quarter = report.positive_outcomes_by_quarter
    assert sum(p.n for p in by_quarter.values()) == report.positive_outcomes.n
    assert sum(p.d for p in by_quarter.values()) == report.positive_outcomes.d
    assert report.positive_outcomes_by_bcu["WEST"] == report.positive_outcomes
    assert report.positive_outcomes_by_bcu["EAST"].pct is None
    assert report.period_from == min(r.police_visit_at for r in rows)
    assert report.period_to == max(r.police_visit_at for r in rows)


def test_chi_square_matches_scipy_on_a_hand_built_table(sample: Any) -> None:
    rows, _ = sample
    report = compute_kpis(rows)
    # Accepted vs declined+undecided per time band, built by hand from the rows.
    table = []
    for band in ("LE_24H", "24H_TO_1W", "GT_1W"):
        decided = [r for r in rows if r.time_band and r.time_band.value == band
                   and r.idva_support not in (None, SupportDecision.NOT_OFFERED)]
        accepted = sum(r.idva_support is SupportDecision.ACCEPTED for r in decided)
        table.append([accepted, len(decided) - accepted])
    assert table == [[87, 7], [30, 3], [12, 6]]  # the expected JSON's n and d
    direct = chi2_contingency(table)
    ours = report.chi_square["idva_support_by_time_band"]
    assert ours is not None
    assert ours.dof == 2 and ours.n == 145
    assert math.isclose(ours.statistic, direct.statistic)
    assert math.isclose(ours.p_value, direct.pvalue)
    assert 0.0 < ours.p_value < 0.05
    for key in ("idva_support_by_hour_band", "prosecution_support_by_hour_band"):
        result = report.chi_square[key]
        assert result is not None and result.dof == 4 and 0.0 <= result.p_value <= 1.0


def test_chi_square_is_none_for_a_degenerate_table(row_factory: Any) -> None:
    everyone_accepts = [row_factory(idva_support="ACCEPTED") for _ in range(5)]
    assert compute_kpis(everyone_accepts).chi_square["idva_support_by_time_band"] is None
    assert compute_kpis([]).chi_square["idva_support_by_hour_band"] is None


def test_empty_input_gives_null_percentages() -> None:
    report = compute_kpis([])
    data = report.to_cli_json()
    assert data["visits"] == 0
    assert data["within_24h"] == {"n": 0, "d": 0, "pct": None}
    assert report.period_from is None


def test_percentages_round_half_up() -> None:
    from fieldapp.tracker import Pct

    assert Pct.of(1, 8).pct == 12.5
    assert Pct.of(1, 16).pct == 6.3  # 6.25 -> 6.3, not banker's 6.2
    assert Pct.of(1, 3).pct == 33.3
    assert Pct.of(2, 3).pct == 66.7
    assert Pct.of(129, 145).pct == 89.0


def test_positive_outcome_set_is_configurable(sample: Any) -> None:
    rows, _ = sample
    only_one = compute_kpis(rows, positive_outcomes=frozenset({"1"}))
    assert only_one.positive_outcomes.n == sum(r.outcome_code == "1" for r in rows)
    assert only_one.positive_outcomes.d == 134


def test_kpi_filter_uses_local_date_and_fields(row_factory: Any) -> None:
    from datetime import date

    from tracker_helpers import london

    # 00:30 BST on 1 April is 23:30 UTC on 31 March: the local date decides.
    row = row_factory(police_visit_at=london(2022, 4, 1, 0, 30), idva_visit_at=None,
                      district="Blackpool", idva_code="IDVA7")
    assert KpiFilter(date_from=date(2022, 4, 1)).matches(row)
    assert not KpiFilter(date_to=date(2022, 3, 31)).matches(row)
    assert KpiFilter(bcu="WEST", district="BLACKPOOL", idva_code="idva7").matches(row)
    assert not KpiFilter(bcu="EAST").matches(row)
    assert not KpiFilter(idva_code="IDVA8").matches(row)
    assert list(KpiFilter(bcu="WEST").apply([row])) == [row]
