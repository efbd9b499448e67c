"""The KPI report's view of the figures: plain dicts, plus the words that explain them.

Why duck-typed: the figures come from the one KPI engine (fieldapp.tracker.kpi.KpiReport), but
the renderer only needs its shape: ``to_cli_json()`` (the figures the CLI prints and the
evaluators check) and the extra fields of the model (referrals, outcomes by quarter and BCU,
chi-square tests). A plain dict of the same shape works too, which keeps this module testable
and free of the engine's import cost.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fieldapp.domain import clock

TIME_BANDS = ("LE_24H", "24H_TO_1W", "GT_1W")
HOUR_BANDS = ("00-08", "08-12", "12-16", "16-20", "20-24")
HOUR_LABELS = {h: f"{h[:2]}:00–{h[3:]}:00" for h in HOUR_BANDS}
REFERRAL_LABELS = {
    "ref_refuge": "Refuge",
    "ref_housing": "Housing",
    "ref_mental_health": "Mental health",
    "ref_drug_alcohol": "Drug and alcohol",
    "ref_childrens_social_care": "Children's social care",
}
REFERRAL_DECISIONS = ("OFFERED", "ACCEPTED", "DECLINED")
SIGNIFICANCE = 0.05
CHI_SQUARE_TESTS = {
    "idva_support_by_time_band": "IDVA support accepted, by time from police visit to IDVA visit",
    "idva_support_by_hour_band": "IDVA support accepted, by time of day of the IDVA visit",
    "prosecution_support_by_hour_band": "Support for prosecution accepted, by time of day",
}


@dataclass(frozen=True)
class Fraction:
    """n of d, with the engine's rounded percentage (None when d is 0)."""

    n: int
    d: int
    pct: float | None

    @property
    def pct_text(self) -> str:
        return "n/a" if self.pct is None else f"{self.pct:.1f}%"


def _plain(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="python")
    return value


def fraction(value: Any) -> Fraction:
    """A Fraction from a Pct model, a {'n','d','pct'} mapping or any object with n/d/pct."""
    value = _plain(value)
    if value is None:
        return Fraction(0, 0, None)
    if isinstance(value, Mapping):
        return Fraction(int(value["n"]), int(value["d"]), value.get("pct"))
    return Fraction(int(value.n), int(value.d), getattr(value, "pct", None))


def figures(kpis: Any) -> dict[str, Any]:
    """All figures as one plain dict: the model's fields, overlaid with ``to_cli_json()`` so
    the headline numbers are byte-for-byte the ones the CLI prints."""
    if isinstance(kpis, Mapping):
        data = dict(kpis)
    elif hasattr(kpis, "model_dump"):
        data = kpis.model_dump(mode="python")
    else:
        data = {k: getattr(kpis, k) for k in dir(kpis) if not k.startswith("_")}
    if hasattr(kpis, "to_cli_json"):
        cli = kpis.to_cli_json()
        data.update(cli if isinstance(cli, Mapping) else {})
    return data


def fractions(data: Mapping[str, Any], key: str, order: tuple[str, ...] = ()) -> dict[str, Fraction]:
    table = data.get(key) or {}
    keys = list(order) + [k for k in table if k not in order]
    return {k: fraction(table.get(k)) for k in keys if k in table or order}


def period_text(data: Mapping[str, Any]) -> str:
    start, end = data.get("period_from"), data.get("period_to")
    if not start or not end:
        return "No visits in the selection"

    def day(value: Any) -> str:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return f"{clock.to_london(when):%d %b %Y}"

    return f"{day(start)} to {day(end)} (dates of the police visits)"


def p_text(p: float) -> str:
    """p-values the way a results table prints them."""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}"


def _stat(test: Any, name: str) -> Any:
    test = _plain(test)
    return test.get(name) if isinstance(test, Mapping) else getattr(test, name, None)


def chi_square_words(test: Any) -> tuple[str, str]:
    """(the statistics line, the plain-English reading) for one chi-square result."""
    if test is None:
        return ("Not tested.", "There were not enough bands with offers, or everyone (or no "
                "one) accepted, so there is no difference to test.")
    statistic, dof = float(_stat(test, "statistic")), int(_stat(test, "dof"))
    p, n = float(_stat(test, "p_value")), int(_stat(test, "n"))
    min_expected = _stat(test, "min_expected")
    stats = f"χ² = {statistic:.2f}, degrees of freedom = {dof}, {p_text(p)}, n = {n:,}"
    if p < SIGNIFICANCE:
        reading = ("The acceptance rate differs between the bands by more than chance alone "
                   f"would usually produce ({p_text(p)}, below the usual 0.05 threshold).")
    else:
        reading = ("The differences between the bands are small enough that they could be "
                   f"chance ({p_text(p)}, not below the usual 0.05 threshold).")
    reading += " The test shows whether acceptance differs, not why it differs."
    if min_expected is not None and not math.isnan(float(min_expected)) \
            and float(min_expected) < 5:
        reading += (f" Some bands have few visits (smallest expected count "
                    f"{float(min_expected):.1f}, under 5), so read this p-value with caution.")
    return stats, reading
