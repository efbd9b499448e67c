"""Bar charts for the dashboard (QtCharts): a title, axis titles and a value on every bar.

Series differ by pattern as well as colour (Okabe-Ito colours, which stay distinct for the
common colour-vision deficiencies), and each chart carries a text description of its figures
for screen readers, so nothing is told by colour alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import QGridLayout, QSizePolicy, QWidget

STYLES = (
    (QColor("#0072B2"), Qt.BrushStyle.SolidPattern),
    (QColor("#D55E00"), Qt.BrushStyle.BDiagPattern),
    (QColor("#009E73"), Qt.BrushStyle.CrossPattern),
)


@dataclass(frozen=True)
class Bars:
    name: str
    values: list[float]


def nice_step(top: float, ticks: int = 5) -> float:
    """A round tick interval (1, 2 or 5 times a power of ten) giving about ``ticks`` ticks."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return max(1.0, factor * power)
    return max(1.0, 10 * power)  # pragma: no cover - the loop always returns


class BarChart(QChartView):
    """One titled bar chart; :meth:`show_bars` replaces its figures."""

    def __init__(self, title: str, x_title: str, y_title: str, *, percent: bool,
                 height_lines: int = 20, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.x_title = x_title
        self.y_title = y_title
        self.percent = percent
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * height_lines)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(title)
        self.series: QBarSeries | None = None
        self.categories: list[str] = []
        self.show_bars([], [], description="")

    def show_bars(self, categories: list[str], bars: list[Bars], *, description: str) -> None:
        old = self.chart()
        chart = QChart()
        chart.setTitle(self.title)
        title_font = QFont(self.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.1)
        chart.setTitleFont(title_font)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setVisible(len(bars) > 1)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        series = QBarSeries()
        top = 0.0
        for index, item in enumerate(bars):
            colour, pattern = STYLES[index % len(STYLES)]
            bar_set = QBarSet(item.name)
            bar_set.append([float(v) for v in item.values])
            bar_set.setBrush(QBrush(colour, pattern))
            bar_set.setPen(colour.darker(130))
            bar_set.setLabelColor(QColor("#1a1a1a"))
            series.append(bar_set)
            top = max([top, *item.values])
        series.setLabelsVisible(True)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value%" if self.percent else "@value")
        series.setLabelsPrecision(4)
        chart.addSeries(series)
        x_axis = QBarCategoryAxis()
        x_axis.append(categories or [""])
        x_axis.setTitleText(self.x_title)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(x_axis)
        y_axis = QValueAxis()
        y_axis.setTitleText(self.y_title)
        y_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        y_axis.setTickAnchor(0)
        y_axis.setLabelFormat("%d")
        if self.percent:
            y_axis.setTickInterval(20)
            y_axis.setRange(0, 119)  # room above 100% for the value labels; last tick 100
        else:
            step = nice_step(top)
            y_axis.setTickInterval(step)
            y_axis.setRange(0, max(step, top * 1.18))
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(y_axis)
        self.setChart(chart)
        if old is not None:
            old.deleteLater()
        self.series = series
        self.categories = list(categories)
        self.setAccessibleDescription(description)
        self.setToolTip(description)


class ChartGrid(QWidget):
    """Charts two to a row when there is room, one to a row when narrow (150% on a small
    screen), so category labels and their "n of d" are never cut short."""

    FOLD_EMS = 100

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(10)
        self._items: list[tuple[QWidget, bool]] = []
        self._two_up = True

    def add(self, chart: QWidget, *, wide: bool = False) -> None:
        self._items.append((chart, wide))
        self._place()

    def _place(self) -> None:
        for chart, _wide in self._items:
            self._grid.removeWidget(chart)
        row = col = 0
        for chart, wide in self._items:
            if not self._two_up or wide:
                if col:
                    row, col = row + 1, 0
                self._grid.addWidget(chart, row, 0, 1, 2)
                row += 1
            else:
                self._grid.addWidget(chart, row, col)
                row, col = (row + 1, 0) if col else (row, 1)
        for column in (0, 1):
            self._grid.setColumnStretch(column, 1)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        two_up = event.size().width() >= self.fontMetrics().horizontalAdvance("M") * self.FOLD_EMS
        if two_up != self._two_up:
            self._two_up = two_up
            self._place()

    def minimumSizeHint(self):  # noqa: N802 - Qt override
        hint = super().minimumSizeHint()
        hint.setWidth(min(hint.width(), self.fontMetrics().horizontalAdvance("M") * 40))
        return hint
