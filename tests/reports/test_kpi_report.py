"""KPI report: built from the sample tracker through the real reader and KPI engine, it shows
every expected figure with its numerator, denominator and percentage."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sample_data import expected_kpis

from fieldapp.reports import KpiReportInput, render_kpi_report
from fieldapp.reports.kpi_data import HOUR_BANDS, HOUR_LABELS, TIME_BANDS, p_text
from fieldapp.reports.kpi_report import HEADLINES
from fieldapp.reports.labels import label
from fieldapp.tracker.kpi import compute_kpis
from fieldapp.tracker.reader import read_tracker
from fieldapp.tracker.row import TrackerRow

from .builders import (
    HOSTILE_AMP,
    HOSTILE_IMG,
    PRINTED_AT,
    assert_chrome,
    font_names,
    pages_text,
    shows,
)


def _pct(f: dict[str, Any]) -> str:
    return "n/a" if f["pct"] is None else f"{f['pct']:.1f}%"


def _row(name: str, f: dict[str, Any]) -> str:
    return f"{name} {f['n']} {f['d']} {_pct(f)}"


@pytest.fixture(scope="module")
def sample_kpis(sample_tracker):
    with read_tracker(sample_tracker) as reader:
        rows = [item for item in reader if isinstance(item, TrackerRow)]
    return compute_kpis(rows)


@pytest.fixture(scope="module")
def sample_text(sample_kpis) -> str:
    data = render_kpi_report(KpiReportInput(
        kpis=sample_kpis, printed_by="Dr E. Valuator", printed_at=PRINTED_AT,
        filters="All BCUs, all IDVAs"))
    pages = pages_text(data)
    assert_chrome(pages)
    assert len(pages) >= 5
    assert not any(n.startswith("NOT-EMBEDDED") for n in font_names(data))
    return "\n".join(pages)


def _expected_rows() -> list[str]:
    expected = expected_kpis()
    rows = [f"Visits (tracker rows) {expected['visits']}"]
    rows += [_row(name, expected[key]) for key, name, _ in HEADLINES]
    rows += [_row(label(b), expected["idva_support_accepted_by_time_band"][b]) for b in TIME_BANDS]
    for h in HOUR_BANDS:
        idva = expected["idva_support_accepted_by_hour_band"][h]
        pros = expected["prosecution_support_accepted_by_hour_band"][h]
        rows.append(f"{HOUR_LABELS[h]} {idva['n']} {idva['d']} {_pct(idva)} "
                    f"{pros['n']} {pros['d']} {_pct(pros)}")
    return rows


@pytest.mark.parametrize("row", _expected_rows())
def test_every_expected_figure_is_printed(sample_text: str, row: str) -> None:
    assert shows(sample_text, row), row


def test_sample_engine_matches_expected_json(sample_kpis, sample_expected) -> None:
    assert sample_kpis.to_cli_json() == sample_expected


def test_extras_are_printed(sample_kpis, sample_text: str) -> None:
    for quarter, f in sample_kpis.positive_outcomes_by_quarter.items():
        assert shows(sample_text, f"{quarter} {f.n} {f.d} {f.pct:.1f}%"), quarter
    refuge = sample_kpis.referrals["ref_refuge"]
    assert shows(sample_text, f"Refuge {refuge['OFFERED']} {refuge['ACCEPTED']} "
                              f"{refuge['DECLINED']}")
    for test in sample_kpis.chi_square.values():
        assert test is not None
        assert shows(sample_text, p_text(test.p_value))
    assert shows(sample_text, "read this p-value with caution")
    assert shows(sample_text, "02 Apr 2022 to 25 Mar 2023")
    assert shows(sample_text, "Definitions")
    assert shows(sample_text, "Community resolution")


def test_renders_from_the_cli_json_alone(no_network, sample_expected) -> None:
    cli = sample_expected
    data = render_kpi_report(KpiReportInput(kpis=cli, printed_by="Analyst",
                                            printed_at=PRINTED_AT, filters=HOSTILE_IMG))
    text = "\n".join(pages_text(data))
    assert shows(text, _row("IDVA support accepted", cli["idva_support_accepted"]))
    assert shows(text, HOSTILE_IMG)


def test_empty_selection_prints_n_a(no_network) -> None:
    data = render_kpi_report(KpiReportInput(kpis=compute_kpis([]), printed_by=HOSTILE_AMP,
                                            printed_at=PRINTED_AT))
    pages = pages_text(data)
    assert_chrome(pages)
    text = "\n".join(pages)
    assert shows(text, "IDVA visit within 24 hours 0 0 n/a")
    assert shows(text, "No visits in the selection")


def test_render_is_quick(sample_kpis) -> None:
    started = time.perf_counter()
    render_kpi_report(KpiReportInput(kpis=sample_kpis, printed_by="x", printed_at=PRINTED_AT))
    assert time.perf_counter() - started < 5  # DESIGN.md: KPI PDF under 5 s
