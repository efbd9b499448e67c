"""From a KPI report to what the dashboard draws: tile text and chart categories and bars.

Reads only ``report.to_cli_json()``, ``report.referrals`` and ``report.visits_by_time_band``
(plus ``visits_without_idva_visit`` when the report has it). No figure is computed here
beyond turning the engine's numbers into text.
"""

from __future__ import annotations

import textwrap
from typing import Any

from PySide6.QtCore import QCoreApplication

from fieldapp.domain.enums import HOUR_BANDS, TimeBand
from fieldapp.ui import labels
from fieldapp.ui.pages.dashboard_charts import Bars

TIME_BANDS = tuple(b.value for b in TimeBand)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Dashboard", text)


def pct_value(p: dict[str, Any]) -> float:
    return 0.0 if p.get("pct") is None else float(p["pct"])


def pct_text(p: dict[str, Any]) -> tuple[str, str]:
    """('64.7%', '97 of 150'); no denominator reads '—' and 'none yet'."""
    if not p["d"]:
        return "\u2014", _tr("none to count yet (0 of 0)")
    return f"{p['pct']:.1f}%", _tr("{n} of {d}").format(n=p["n"], d=p["d"])


def _nd(p: dict[str, Any]) -> str:
    return f"{p['n']}/{p['d']}"


def _describe(title: str, parts: list[str]) -> str:
    return f"{title}: " + "; ".join(parts) + "."


def referral_label(column: str) -> str:
    return labels.label(column.removeprefix("ref_").upper())


def wrapped(text: str, width: int = 14) -> str:
    """A category label broken over lines (QtCharts reads <br>) rather than cut short."""
    return "<br>".join(textwrap.wrap(text, width)) or text


def hour_label(band: str) -> str:
    return band.replace("-", "\u2013")


def chart_data(report: Any) -> dict[str, tuple[list[str], list[Bars], str]]:
    """Per chart key: categories, bar series and a text description of every figure."""
    data = report.to_cli_json()
    out: dict[str, tuple[list[str], list[Bars], str]] = {}

    counts = dict(getattr(report, "visits_by_time_band", {}) or {})
    cats = [labels.label(b) for b in TIME_BANDS]
    values = [float(counts.get(b, 0)) for b in TIME_BANDS]
    missing = getattr(report, "visits_without_idva_visit", 0) or 0
    if missing:
        cats.append(_tr("Not visited yet"))
        values.append(float(missing))
    out["time_to_visit"] = (cats, [Bars(_tr("Visits"), values)], _describe(
        _tr("Visits by time to IDVA visit"),
        [f"{c} {int(v)}" for c, v in zip(cats, values, strict=True)]))

    by_band = data["idva_support_accepted_by_time_band"]
    cats = [f"{labels.label(b)}<br>{_tr('{n} of {d}').format(**by_band[b])}" for b in TIME_BANDS]
    out["accepted_by_band"] = (
        cats, [Bars(_tr("IDVA support accepted"), [pct_value(by_band[b]) for b in TIME_BANDS])],
        _describe(_tr("IDVA support accepted by time to visit"), [
            f"{labels.label(b)} {pct_text(by_band[b])[0]} ({_nd(by_band[b])})" for b in TIME_BANDS]))

    idva = data["idva_support_accepted_by_hour_band"]
    pros = data["prosecution_support_accepted_by_hour_band"]
    cats = [f"{hour_label(h)}<br>{_tr('IDVA')} {_nd(idva[h])}<br>{_tr('Pros.')} {_nd(pros[h])}"
            for h in HOUR_BANDS]
    out["accepted_by_hour"] = (
        cats,
        [Bars(_tr("IDVA support"), [pct_value(idva[h]) for h in HOUR_BANDS]),
         Bars(_tr("Support for prosecution"), [pct_value(pros[h]) for h in HOUR_BANDS])],
        _describe(_tr("Support accepted by time of day"), [
            _tr("{band}: IDVA {a} ({an}), prosecution {b} ({bn})").format(
                band=hour_label(h), a=pct_text(idva[h])[0], an=_nd(idva[h]),
                b=pct_text(pros[h])[0], bn=_nd(pros[h])) for h in HOUR_BANDS]))

    referrals = dict(getattr(report, "referrals", {}) or {})
    columns = list(referrals)
    cats = [wrapped(referral_label(c)) for c in columns]
    kinds = ("OFFERED", "ACCEPTED", "DECLINED")
    bars = [Bars(labels.label(k), [float(referrals[c].get(k, 0)) for c in columns]) for k in kinds]
    out["referrals"] = (cats, bars, _describe(_tr("Referrals"), [
        f"{referral_label(c)}: " + ", ".join(
            f"{labels.label(k).lower()} {referrals[c].get(k, 0)}" for k in kinds)
        for c in columns]))
    return out
