"""Dashboard: the evaluation's measures over the cases this vault holds.

Every figure comes from the one KPI engine (``fieldapp.services.kpi.vault_kpis`` returning a
``fieldapp.tracker.kpi.KpiReport``), read through ``report.to_cli_json()`` and
``report.referrals``, so the dashboard, the CLI and the PDF can never disagree. The engine is
imported lazily: a build without it shows a plain message instead of failing to open.
Percentages are always shown with their numerator and denominator.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.enums import Bcu
from fieldapp.ui import tasks
from fieldapp.ui.context import AppContext
from fieldapp.ui.pages.dashboard_charts import BarChart, ChartGrid
from fieldapp.ui.pages.dashboard_figures import chart_data, pct_text
from fieldapp.ui.widgets import DateLineEdit, EnumCombo, named, parse_date
from fieldapp.ui.widgets.field import error_label

KpiSource = Callable[[Any], Any]  # (KpiFilter | None) -> KpiReport, run on a worker thread


def vault_report(context: AppContext, flt: Any) -> Any:
    """The KPI report for this vault (worker thread)."""
    from fieldapp.services import kpi  # the lead engineer's module; optional at import time

    with context.uow(read_only=True) as uow:
        return kpi.vault_kpis(uow=uow, flt=flt)


def make_filter(date_from: date | None, date_to: date | None, bcu: str | None) -> Any:
    if date_from is None and date_to is None and bcu is None:
        return None
    from fieldapp.tracker.kpi import KpiFilter

    return KpiFilter(date_from=date_from, date_to=date_to, bcu=Bcu(bcu) if bcu else None)


class Tile(QFrame):
    """A headline figure: the percentage large, "n of d" beneath it."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("kpiTile")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        lay.setSpacing(2)
        self.title = QLabel(title)
        self.title.setWordWrap(True)
        self.value = QLabel("\u2014")
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.value.setFont(font)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        for label in (self.title, self.value, self.detail):
            lay.addWidget(label)
        self.setAccessibleName(title)

    def show_value(self, value: str, detail: str) -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.setAccessibleDescription(f"{value}, {detail}")


class DashboardPage(QWidget):
    report_shown = Signal(object)  # the report now on screen

    def __init__(self, context: AppContext, parent: QWidget | None = None, *,
                 kpi_source: KpiSource | None = None):
        super().__init__(parent)
        self.setObjectName("dashboardPage")
        self._context = context
        self._source: KpiSource = kpi_source or (lambda flt: vault_report(context, flt))
        self._generation = 0
        self.report: Any = None
        self._build()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 6)
        heading = QLabel(self.tr("Measures"))
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        heading.setFont(font)
        outer.addWidget(heading)
        intro = QLabel(self.tr(
            "The evaluation's measures for the cases on this laptop, by the date of the police "
            "visit. Percentages show how many of how many."))
        intro.setWordWrap(True)
        outer.addWidget(intro)

        bar = QHBoxLayout()
        self.date_from = DateLineEdit()
        self.date_to = DateLineEdit()
        self.bcu = EnumCombo(Bcu, blank=self.tr("All BCUs"))
        named(self.date_from, self.tr("From (police visit date)"), self.tr("dd/mm/yyyy"))
        named(self.date_to, self.tr("To (police visit date)"), self.tr("dd/mm/yyyy"))
        named(self.bcu, self.tr("BCU"))
        self.apply_button = QPushButton(self.tr("Show"))
        named(self.apply_button, self.tr("Show the measures for these dates and BCU"))
        for caption, widget in ((self.tr("From"), self.date_from), (self.tr("To"), self.date_to),
                                (self.tr("BCU"), self.bcu)):
            label = QLabel(caption)
            label.setBuddy(widget)
            bar.addWidget(label)
            bar.addWidget(widget)
        bar.addWidget(self.apply_button)
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("Dashboard status"))
        bar.addWidget(self.status, 1)
        outer.addLayout(bar)
        self.filter_error = error_label()
        outer.addWidget(self.filter_error)
        self.apply_button.clicked.connect(self.refresh)
        for edit in (self.date_from, self.date_to):
            edit.returnPressed.connect(self.refresh)
        self.bcu.currentIndexChanged.connect(lambda _i: self.refresh())

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 4, 8, 8)
        tiles = QHBoxLayout()
        self.tiles = {
            "visits": Tile(self.tr("Visits")),
            "within_24h": Tile(self.tr("IDVA visit within 24 hours")),
            "idva_support_accepted": Tile(self.tr("IDVA support accepted")),
            "prosecution_support_accepted": Tile(self.tr("Support for prosecution accepted")),
            "positive_outcomes": Tile(self.tr("Positive outcomes")),
        }
        for tile in self.tiles.values():
            tiles.addWidget(tile, 1)
        column.addLayout(tiles)
        grid = ChartGrid()
        self.charts = {
            "time_to_visit": BarChart(
                self.tr("Time from police visit to IDVA visit"), self.tr("Time to IDVA visit"),
                self.tr("Visits"), percent=False),
            "accepted_by_band": BarChart(
                self.tr("IDVA support accepted, by time to visit"), self.tr("Time to IDVA visit"),
                self.tr("Accepted (%)"), percent=True),
            "accepted_by_hour": BarChart(
                self.tr("Support accepted, by time of day of the visit"),
                self.tr("Visit time (UK)"), self.tr("Accepted (%)"), percent=True,
                height_lines=24),
            "referrals": BarChart(
                self.tr("Referrals"), self.tr("Referral to"), self.tr("Referrals"), percent=False),
        }
        grid.add(self.charts["time_to_visit"])
        grid.add(self.charts["accepted_by_band"])
        grid.add(self.charts["accepted_by_hour"], wide=True)  # five bands, two series
        grid.add(self.charts["referrals"], wide=True)
        column.addWidget(grid)
        column.addStretch(1)
        scroll.setWidget(content)
        outer.addWidget(scroll, 1)

    # ---- data -------------------------------------------------------------------------------
    def current_filter(self) -> tuple[Any, bool]:
        """(KpiFilter or None, ok); a date that cannot be read is shown, not guessed."""
        self.filter_error.hide()
        try:
            start = parse_date(self.date_from.text())
            end = parse_date(self.date_to.text())
        except ValueError:
            self.filter_error.setText("\u26a0 " + self.tr("Type dates as dd/mm/yyyy."))
            self.filter_error.show()
            return None, False
        if start and end and start > end:
            self.filter_error.setText("\u26a0 " + self.tr("The From date is after the To date."))
            self.filter_error.show()
            return None, False
        return make_filter(start, end, self.bcu.value()), True

    def refresh(self) -> None:
        flt, ok = self.current_filter()
        if not ok:
            return
        self._generation += 1
        generation = self._generation
        source = self._source
        self.status.setText(self.tr("Working out the measures\u2026"))

        def done(report: Any) -> None:
            if shiboken6.isValid(self) and generation == self._generation:
                self.show_report(report)

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self) and generation == self._generation:
                self.status.setText(self.tr("The measures could not be worked out ({kind})."
                                            ).format(kind=type(exc).__name__))

        tasks.run_task(lambda: source(flt), on_done=done, on_error=failed)

    def show_report(self, report: Any) -> None:
        self.report = report
        data = report.to_cli_json()
        self.tiles["visits"].show_value(str(data["visits"]), self.tr("police incidents"))
        for key in ("within_24h", "idva_support_accepted", "prosecution_support_accepted",
                    "positive_outcomes"):
            value, detail = pct_text(data[key])
            self.tiles[key].show_value(value, detail)
        for key, (categories, bars, description) in chart_data(report).items():
            self.charts[key].show_bars(categories, bars, description=description)
        self.status.setText(self.tr("Updated {time}.").format(
            time=datetime.now().strftime("%H:%M")))
        self.report_shown.emit(report)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.report is None and self._generation == 0:
            self.refresh()
