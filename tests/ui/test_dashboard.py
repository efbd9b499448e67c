"""The dashboard shows the KPI engine's numbers, each percentage with its n and d."""

from __future__ import annotations

from datetime import date

import pytest
from case_fixtures import SAMPLE_KPIS, close_context, fake_report, make_context

from fieldapp.domain.enums import Bcu
from fieldapp.services import kpi
from fieldapp.ui.pages.dashboard_figures import chart_data, pct_text
from fieldapp.ui.pages.dashboard_page import DashboardPage
from fieldapp.ui.widgets import is_input


def make_page(qtbot, source, context=None):
    page = DashboardPage(context, kpi_source=source)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    with qtbot.waitSignal(page.report_shown, timeout=10_000):
        page.show()  # the first show works the measures out
    return page


def test_tiles_show_each_percentage_with_n_and_d(qtbot):
    page = make_page(qtbot, lambda flt: fake_report())
    tiles = page.tiles
    assert tiles["visits"].value.text() == "150"
    assert (tiles["within_24h"].value.text(), tiles["within_24h"].detail.text()) == (
        "64.7%", "97 of 150")
    assert tiles["idva_support_accepted"].value.text() == "89.0%"
    assert tiles["idva_support_accepted"].detail.text() == "129 of 145"
    assert tiles["prosecution_support_accepted"].detail.text() == "59 of 139"
    assert tiles["positive_outcomes"].value.text() == "38.1%"
    assert "51 of 134" in tiles["positive_outcomes"].accessibleDescription()


def test_charts_have_titles_axes_values_and_text_alternatives(qtbot):
    page = make_page(qtbot, lambda flt: fake_report())
    for chart in page.charts.values():
        assert chart.chart().title() == chart.title
        axes = chart.chart().axes()
        assert all(axis.titleText() for axis in axes) and len(axes) == 2
        assert chart.series is not None and chart.series.isLabelsVisible()
        assert chart.accessibleName() and chart.accessibleDescription()
    band = page.charts["accepted_by_band"]
    assert band.categories[0] == "Within 24 h<br>87 of 94"
    assert [s.at(0) for s in band.series.barSets()] == [pytest.approx(92.6)]
    hour = page.charts["accepted_by_hour"]
    assert len(hour.series.barSets()) == 2 and hour.chart().legend().isVisible()
    assert hour.categories[1] == "08\u201312<br>IDVA 53/54<br>Pros. 48/49"
    assert "12\u201316: IDVA 82.6% (38/46), prosecution 10.6% (5/47)" in hour.accessibleDescription()
    patterns = {s.brush().style() for s in hour.series.barSets()}
    assert len(patterns) == 2  # told apart by pattern, not colour alone
    referrals = page.charts["referrals"]
    assert referrals.categories == ["Refuge", "Housing", "Mental health", "Drug and<br>alcohol",
                                    "Children's<br>social care"]
    assert [s.at(1) for s in referrals.series.barSets()] == [7, 21, 5]


def test_filters_reach_the_engine_as_a_kpi_filter(qtbot):
    seen = []

    def source(flt):
        seen.append(flt)
        return fake_report()

    page = make_page(qtbot, source)
    assert seen == [None]
    page.date_from.setText("01/04/2022")
    page.date_to.setText("31/03/2023")
    with qtbot.waitSignal(page.report_shown, timeout=5_000):
        page.bcu.set_value("WEST")  # choosing a BCU applies at once
    flt = seen[-1]
    assert (flt.date_from, flt.date_to, flt.bcu) == (date(2022, 4, 1), date(2023, 3, 31), Bcu.WEST)

    calls = len(seen)
    page.date_to.setText("31/13/2023")
    page.refresh()
    assert len(seen) == calls and page.filter_error.isVisible()
    assert page.filter_error.text().startswith("\u26a0")
    page.date_to.setText("01/01/2022")
    page.refresh()
    assert len(seen) == calls and "after the To date" in page.filter_error.text()


def test_a_failure_is_said_plainly_never_as_a_missing_feature(qtbot):
    def source(flt):
        raise ImportError("fieldapp.services.kpi")

    page = DashboardPage(None, kpi_source=source)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: "could not be worked out (ImportError)" in page.status.text(),
                    timeout=5_000)
    assert "not available" not in page.status.text()
    assert page.tiles["visits"].value.text() == "\u2014"


def test_every_dashboard_input_is_named(qtbot):
    page = make_page(qtbot, lambda flt: fake_report())
    from PySide6.QtWidgets import QWidget

    missing = [type(w).__name__ for w in page.findChildren(QWidget)
               if is_input(w) and not w.accessibleName()]
    assert missing == []


def test_figures_without_widgets():
    assert pct_text({"n": 0, "d": 0, "pct": None}) == ("\u2014", "none to count yet (0 of 0)")
    assert pct_text(SAMPLE_KPIS["within_24h"]) == ("64.7%", "97 of 150")
    data = chart_data(fake_report())
    assert set(data) == {"time_to_visit", "accepted_by_band", "accepted_by_hour", "referrals"}
    cats, bars, text = data["time_to_visit"]
    assert cats == ["Within 24 h", "24 h to 1 week", "Over 1 week"]
    assert bars[0].values == [97, 38, 15] and "Within 24 h 97" in text


@pytest.fixture
def demo_ctx(tmp_path):
    from fieldapp.services import demo

    context = make_context(tmp_path / "vault")
    with context.uow() as uow:
        demo.fill_demo(uow=uow, cases=25, seed=7)
    yield context
    close_context(context)


def test_dashboard_numbers_equal_the_kpi_engine_on_a_demo_vault(qtbot, demo_ctx):
    with demo_ctx.uow() as uow:
        expected = kpi.vault_kpis(uow=uow, flt=None)
    page = DashboardPage(demo_ctx)  # the real source: services.kpi.vault_kpis over this vault
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.report_shown, timeout=20_000):
        page.show()
    cli = expected.to_cli_json()
    assert page.report.to_cli_json() == cli
    assert page.tiles["visits"].value.text() == str(cli["visits"])
    for key in ("within_24h", "idva_support_accepted", "prosecution_support_accepted",
                "positive_outcomes"):
        value, detail = pct_text(cli[key])
        assert (page.tiles[key].value.text(), page.tiles[key].detail.text()) == (value, detail)
    band = page.charts["accepted_by_band"].series.barSets()[0]
    for i, code in enumerate(("LE_24H", "24H_TO_1W", "GT_1W")):
        p = cli["idva_support_accepted_by_time_band"][code]
        assert band.at(i) == pytest.approx(p["pct"] or 0)
    offered = page.charts["referrals"].series.barSets()[1]  # ACCEPTED
    assert [offered.at(i) for i in range(offered.count())] == [
        counts["ACCEPTED"] for counts in expected.referrals.values()]

    with demo_ctx.uow() as uow:
        from fieldapp.tracker.kpi import KpiFilter

        west = kpi.vault_kpis(uow=uow, flt=KpiFilter(bcu=Bcu.WEST)).to_cli_json()
    with qtbot.waitSignal(page.report_shown, timeout=20_000):
        page.bcu.set_value("WEST")
    assert page.report.to_cli_json() == west
    assert page.tiles["visits"].value.text() == str(west["visits"])
