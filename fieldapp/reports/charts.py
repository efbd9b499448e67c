"""Bar charts for the reports (reportlab.graphics, drawn as vectors into the PDF).

Why labelled bars: evaluators copy figures from the page into minutes and papers, so every bar
carries its value and every chart has a title and axis labels; the same figures also appear in
a table next to the chart with numerator and denominator, so nothing depends on reading a bar's
height or on colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.textlabels import Label
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from fieldapp.reports import theme
from fieldapp.reports.fonts import BODY, BOLD
from fieldapp.reports.safe import one_line

Series = tuple[str, Sequence[float | None]]


def _nice_max(values: Sequence[float], percent: bool) -> tuple[float, float]:
    """An axis maximum with headroom for the value labels, and a round step."""
    top = max(values, default=0.0)
    if percent:
        return 100.0 if top <= 88 else 110.0, 20.0
    if top <= 0:
        return 5.0, 1.0
    raw_step = top / 5
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    return math.ceil(top * 1.15 / step) * step, step


def _format(value: float | None, percent: bool) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}%" if percent else f"{value:,.0f}"


_LABEL_SIZE = 7
_LABEL_GAP = 3


def _text_width(text: str, size: float) -> float:
    return max((stringWidth(line, BODY, size) for line in text.split("\n")), default=0.0)


def _fit_bar_labels(chart: VerticalBarChart, text: list[list[str]], data: list[list[float]],
                    top: float, bar: float) -> None:
    """Value labels wider than their bar would run into their neighbours' (many quarters times
    several BCUs): turn them upright, inside the bar when it is tall enough (white on the bar's
    colour), else just above it."""
    widest = max((_text_width(t, _LABEL_SIZE) for row in text for t in row), default=0.0)
    if widest + _LABEL_GAP <= bar + chart.barSpacing:
        return
    for row, values in enumerate(data):
        for col, value in enumerate(values):
            label = chart.barLabels[(row, col)]
            label.angle = 90
            height = chart.height * value / top if top else 0.0
            if height >= _text_width(text[row][col], _LABEL_SIZE) + 2 * _LABEL_GAP:
                label.boxAnchor, label.nudge, label.fillColor = "e", -_LABEL_GAP, theme.WHITE
            else:
                label.boxAnchor, label.nudge = "w", _LABEL_GAP


def _fit_category_labels(cats: object, slot: float) -> None:
    """Category names wider than their slot are set at a slant so they do not touch."""
    names = getattr(cats, "categoryNames", None) or []
    widest = max((_text_width(name, 7.5) for name in names), default=0.0)
    if widest + 4 > slot:
        cats.labels.angle, cats.labels.boxAnchor = 30, "ne"  # type: ignore[attr-defined]
        cats.labels.textAnchor = "end"  # type: ignore[attr-defined]


def bar_chart(*, title: str, categories: Sequence[str], series: Sequence[Series], width: float,
              height: float = 72 * mm, percent: bool = True, y_label: str = "",
              x_label: str = "", horizontal: bool = False,
              labels: Sequence[Sequence[str]] | None = None) -> Drawing:
    """A titled bar chart, one bar group per category and one bar per series.

    ``labels`` overrides the text on each bar (same shape as the series values); by default
    the value is printed, as a percentage when ``percent``.
    """
    drawing = Drawing(width, height)
    # The renderer's starting state names a font too; make it ours so no Helvetica (unembedded)
    # reference lands in the PDF.
    drawing.initialFontName, drawing.initialFontSize = BODY, 8
    drawing.add(String(0, height - 11, one_line(title, 110), fontName=BOLD, fontSize=10,
                       fillColor=theme.NAVY))
    legend_h = 14 if len(series) > 1 else 0
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    left = 120 if horizontal else 46
    extra_lines = max((c.count("\n") for c in categories), default=0)
    bottom = (36 if y_label else 22) if horizontal else (
        (34 if x_label else 24) + 9 * extra_lines)
    chart.x, chart.y = left, bottom
    chart.width = width - left - (38 if horizontal else 12)
    chart.height = height - bottom - 22 - legend_h
    # A horizontal chart stacks a group's bars bottom-up; reverse the series so they read
    # top-down in legend order.
    order = list(range(len(series)))[::-1] if horizontal else list(range(len(series)))
    data = [[v if v is not None else 0.0 for v in series[i][1]] for i in order]
    chart.data = data
    flat = [v for row in data for v in row]
    top, step = _nice_max(flat, percent)
    axis = chart.valueAxis
    axis.valueMin, axis.valueMax, axis.valueStep = 0, top, step
    axis.labels.fontName, axis.labels.fontSize = BODY, 7
    axis.labels.fillColor = theme.MUTED
    axis.labelTextFormat = (lambda v: f"{v:.0f}%") if percent else (lambda v: f"{v:,.0f}")
    axis.strokeColor = theme.RULE
    axis.visibleGrid = 1
    axis.gridStrokeColor = theme.HAIRLINE
    axis.gridStrokeWidth = 0.5
    axis.forceZero = 1
    cats = chart.categoryAxis
    cats.categoryNames = ["\n".join(one_line(part, 40) for part in c.split("\n"))
                          for c in categories]
    cats.labels.fontName, cats.labels.fontSize = BODY, 7.5
    cats.labels.fillColor = theme.SLATE
    cats.strokeColor = theme.RULE
    cats.visibleTicks = 0
    if horizontal:
        cats.reverseDirection = 1
        cats.labels.boxAnchor, cats.labels.dx = "e", -4
    else:
        cats.labels.boxAnchor, cats.labels.dy = "n", -4
        cats.labels.textAnchor = "middle"
    # reportlab scales bar and gap widths to fill each category; choose them in points so a
    # lone category gets a slim bar, not a slab across the page.
    n_series = len(series)
    slot = (chart.height if horizontal else chart.width) / max(len(categories), 1)
    bar = min(12.0 if horizontal else 34.0, 0.7 * slot / n_series)
    chart.barWidth, chart.barSpacing = bar, 2
    chart.groupSpacing = max(slot - n_series * bar - (n_series - 1) * 2, 1)
    for row, i in enumerate(order):
        chart.bars[row].fillColor = theme.SERIES[i % len(theme.SERIES)]
        chart.bars[row].strokeColor = None
    text = labels or [[_format(v, percent) for v in values] for _, values in series]
    chart.barLabelFormat = "values"
    chart.barLabelArray = [list(text[i]) for i in order]
    chart.barLabels.fontName, chart.barLabels.fontSize = BODY, _LABEL_SIZE
    chart.barLabels.fillColor = theme.SLATE
    chart.barLabels.nudge = 6
    chart.barLabels.boxAnchor = "w" if horizontal else "s"
    chart.barLabels.dx = 0
    if not horizontal:
        _fit_bar_labels(chart, chart.barLabelArray, data, top, bar)
        _fit_category_labels(cats, slot)
    drawing.add(chart)
    if len(series) > 1:
        legend = Legend()
        legend.x, legend.y = left, height - 22
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.deltax = 110
        legend.dx = legend.dy = 7
        legend.fontName, legend.fontSize = BODY, 7.5
        legend.strokeColor = None
        legend.colorNamePairs = [
            (theme.SERIES[i % len(theme.SERIES)], one_line(name, 40))
            for i, (name, _) in enumerate(series)
        ]
        drawing.add(legend)
    if y_label:
        label = Label()
        label.setText(one_line(y_label, 60))
        label.fontName, label.fontSize, label.fillColor = BODY, 7.5, theme.MUTED
        if horizontal:
            label.x, label.y, label.boxAnchor = left + chart.width / 2, 2, "s"
        else:
            label.angle = 90
            label.x, label.y, label.boxAnchor = 8, bottom + chart.height / 2, "c"
        drawing.add(label)
    if x_label and not horizontal:
        drawing.add(String(left + chart.width / 2, 3, one_line(x_label, 80), fontName=BODY,
                           fontSize=7.5, fillColor=theme.MUTED, textAnchor="middle"))
    return drawing
