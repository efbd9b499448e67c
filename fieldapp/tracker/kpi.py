"""The one KPI engine: every figure in the CLI, the dashboard and the PDF comes from here.

One streaming pass counts how many visits share each combination of what the KPIs read
(kpi_counts: a few hundred combinations, never 100,000 rows in memory); every figure is then
made here from those counts, however they were counted (from TrackerRows by compute_kpis, or
straight from the vault's stored text by kpi_stored). Percentages are made at the end from
exact integer arithmetic and rounded half up to one decimal, the way a person checks them with
a calculator. Definitions follow tracker v1's KPI section:

- within 24 h: LE_24H rows / rows with an IDVA visit;
- support accepted: ACCEPTED / (ACCEPTED + DECLINED + UNDECIDED); NOT_OFFERED and empty are out;
- positive outcomes: outcome in the positive set / rows with an outcome code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from fieldapp.domain import clock
from fieldapp.domain.enums import DEFAULT_POSITIVE_OUTCOMES, HOUR_BANDS, Bcu, TimeBand
from fieldapp.tracker.chi2 import chi2_contingency
from fieldapp.tracker.kpi_counts import KpiCounts, count_rows
from fieldapp.tracker.row import REFERRAL_COLUMNS, ReferralDecision, SupportDecision, TrackerRow

TIME_BANDS: tuple[str, ...] = tuple(band.value for band in TimeBand)
_IN_DENOMINATOR = (SupportDecision.ACCEPTED, SupportDecision.DECLINED, SupportDecision.UNDECIDED)


class Pct(BaseModel):
    """A percentage always travels with its numerator and denominator; pct is None when d == 0."""

    model_config = ConfigDict(frozen=True)

    n: int
    d: int
    pct: float | None

    @classmethod
    def of(cls, n: int, d: int) -> Pct:
        if d == 0:
            return cls(n=n, d=d, pct=None)
        tenths = (2000 * n + d) // (2 * d)  # round(1000 n / d) half up, exactly
        return cls(n=n, d=d, pct=tenths / 10)


class ChiSquare(BaseModel):
    """Pearson's chi-square test of independence (:mod:`fieldapp.tracker.chi2`, as SciPy's
    chi2_contingency with its defaults: Yates' correction applies only to a 2x2 table).
    ``min_expected`` below 5 means the p-value should be read with caution; the report says
    so rather than hiding the figure."""

    model_config = ConfigDict(frozen=True)

    statistic: float
    dof: int
    p_value: float
    n: int
    min_expected: float
    bands: tuple[str, ...]


class KpiFilter(BaseModel):
    """Which rows a report covers; dates are inclusive and compared with the police visit's
    Europe/London local date, the date a coordinator sees on the sheet."""

    model_config = ConfigDict(frozen=True)

    date_from: date | None = None
    date_to: date | None = None
    bcu: Bcu | None = None
    district: str | None = None
    idva_code: str | None = None

    def matches(self, row: TrackerRow) -> bool:
        return self.accepts(police_visit_at=row.police_visit_at, bcu=row.bcu.value,
                            district=row.district, idva_code=row.idva_code)

    @property
    def by_date(self) -> bool:
        return self.date_from is not None or self.date_to is not None

    def accepts(self, *, police_visit_at: datetime | date, bcu: str, district: str | None,
                idva_code: str | None) -> bool:
        """The test on plain values (``police_visit_at`` may be the London date already)."""
        if self.by_date:
            local = police_visit_at
            if isinstance(local, datetime):
                local = clock.to_london(local).date()
            if self.date_from is not None and local < self.date_from:
                return False
            if self.date_to is not None and local > self.date_to:
                return False
        if self.bcu is not None and bcu != self.bcu.value:
            return False
        if self.district and (district or "").casefold() != self.district.strip().casefold():
            return False
        if self.idva_code and (idva_code or "").casefold() != self.idva_code.strip().casefold():
            return False
        return True

    def apply(self, rows: Iterable[TrackerRow]) -> Iterator[TrackerRow]:
        return (row for row in rows if self.matches(row))


class KpiReport(BaseModel):
    """The evaluation's figures. The first eight fields are the CLI's JSON (``to_cli_json``);
    the rest feed the dashboard and the PDF: referral counts per column, positive outcomes per
    financial quarter / BCU / both (quarters sorted, only those with outcomes), visit counts per
    time band, the reporting period (first and last police visit, UTC) and chi-square tests keyed
    ``idva_support_by_time_band``, ``idva_support_by_hour_band`` and
    ``prosecution_support_by_hour_band`` (None when the table cannot be tested)."""

    model_config = ConfigDict(frozen=True)

    visits: int
    within_24h: Pct
    idva_support_accepted: Pct
    prosecution_support_accepted: Pct
    idva_support_accepted_by_time_band: dict[str, Pct]
    idva_support_accepted_by_hour_band: dict[str, Pct]
    prosecution_support_accepted_by_hour_band: dict[str, Pct]
    positive_outcomes: Pct
    # dashboard and PDF extras
    referrals: dict[str, dict[str, int]]
    positive_outcomes_by_quarter: dict[str, Pct]
    positive_outcomes_by_bcu: dict[str, Pct]
    positive_outcomes_by_quarter_and_bcu: dict[str, dict[str, Pct]]
    visits_by_time_band: dict[str, int]
    visits_without_idva_visit: int
    period_from: datetime | None
    period_to: datetime | None
    positive_outcome_codes: tuple[str, ...]
    chi_square: dict[str, ChiSquare | None]

    def to_cli_json(self) -> dict[str, Any]:
        """Exactly the `report kpi --json` document (cli.md; sample-tracker.expected.json)."""

        def pct(p: Pct) -> dict[str, Any]:
            return {"n": p.n, "d": p.d, "pct": p.pct}

        return {
            "visits": self.visits,
            "within_24h": pct(self.within_24h),
            "idva_support_accepted": pct(self.idva_support_accepted),
            "prosecution_support_accepted": pct(self.prosecution_support_accepted),
            "idva_support_accepted_by_time_band": {
                k: pct(v) for k, v in self.idva_support_accepted_by_time_band.items()
            },
            "idva_support_accepted_by_hour_band": {
                k: pct(v) for k, v in self.idva_support_accepted_by_hour_band.items()
            },
            "prosecution_support_accepted_by_hour_band": {
                k: pct(v) for k, v in self.prosecution_support_accepted_by_hour_band.items()
            },
            "positive_outcomes": pct(self.positive_outcomes),
        }


class _Tally:
    """Accepted / in-denominator counts per key."""

    def __init__(self) -> None:
        self.n: Counter[str] = Counter()
        self.d: Counter[str] = Counter()

    def add(self, key: str, decision: str | None, times: int) -> None:
        if decision in _IN_DENOMINATOR:
            self.count(key, decision == SupportDecision.ACCEPTED, times)

    def count(self, key: str, hit: bool, times: int) -> None:
        self.d[key] += times
        if hit:
            self.n[key] += times

    def pct(self, key: str) -> Pct:
        return Pct.of(self.n[key], self.d[key])

    def table(self, keys: Iterable[str]) -> dict[str, Pct]:
        return {key: self.pct(key) for key in keys}


def compute_kpis(
    rows: Iterable[TrackerRow], *, positive_outcomes: frozenset[str] = DEFAULT_POSITIVE_OUTCOMES
) -> KpiReport:
    """All KPIs in one pass over ``rows`` (any iterable, consumed once)."""
    return kpi_report(count_rows(rows), positive_outcomes=positive_outcomes)


def kpi_report(counts: KpiCounts, *,
               positive_outcomes: frozenset[str] = DEFAULT_POSITIVE_OUTCOMES) -> KpiReport:
    """Every figure from the counts: a pass over the distinct keys (thousands), not the rows."""
    positive = frozenset(code.strip().upper() for code in positive_outcomes)
    visits = 0
    bands: Counter[str] = Counter()
    idva, prosecution = _Tally(), _Tally()  # key "" is the overall figure
    outcomes = _Tally()  # keys "", "q:<quarter>", "b:<bcu>", "qb:<quarter>|<bcu>"
    for (band, hour, idva_decision, prosecution_decision), times in counts.support.items():
        visits += times
        bands[band] += times
        idva.add("", idva_decision, times)
        prosecution.add("", prosecution_decision, times)
        if band:
            idva.add("band:" + band, idva_decision, times)
        if hour is not None:
            idva.add("hour:" + hour, idva_decision, times)
            prosecution.add("hour:" + hour, prosecution_decision, times)
    for (quarter, bcu, outcome), times in counts.outcomes.items():
        hit = outcome in positive
        for key in ("", "q:" + quarter, "b:" + bcu, f"qb:{quarter}|{bcu}"):
            outcomes.count(key, hit, times)
    referrals = {column: Counter[str]() for column in REFERRAL_COLUMNS}
    for decisions, times in counts.referrals.items():
        for column, decision in zip(REFERRAL_COLUMNS, decisions, strict=True):
            if decision is not None:
                referrals[column][decision] += times

    with_visit = visits - bands[""]
    quarters = sorted(key[2:] for key in outcomes.d if key.startswith("q:"))
    by_quarter_bcu: dict[str, dict[str, Pct]] = {}
    for quarter in quarters:
        by_quarter_bcu[quarter] = {
            bcu.value: outcomes.pct(f"qb:{quarter}|{bcu.value}")
            for bcu in Bcu
            if outcomes.d[f"qb:{quarter}|{bcu.value}"]
        }
    return KpiReport(
        visits=visits,
        within_24h=Pct.of(bands[TimeBand.LE_24H.value], with_visit),
        idva_support_accepted=idva.pct(""),
        prosecution_support_accepted=prosecution.pct(""),
        idva_support_accepted_by_time_band={b: idva.pct("band:" + b) for b in TIME_BANDS},
        idva_support_accepted_by_hour_band={h: idva.pct("hour:" + h) for h in HOUR_BANDS},
        prosecution_support_accepted_by_hour_band={h: prosecution.pct("hour:" + h) for h in HOUR_BANDS},
        positive_outcomes=outcomes.pct(""),
        referrals={
            column: {d.value: counts[d.value] for d in ReferralDecision}
            for column, counts in referrals.items()
        },
        positive_outcomes_by_quarter={q: outcomes.pct("q:" + q) for q in quarters},
        positive_outcomes_by_bcu={b.value: outcomes.pct("b:" + b.value) for b in Bcu},
        positive_outcomes_by_quarter_and_bcu=by_quarter_bcu,
        visits_by_time_band={b: bands[b] for b in TIME_BANDS},
        visits_without_idva_visit=bands[""],
        period_from=counts.first,
        period_to=counts.last,
        positive_outcome_codes=tuple(sorted(positive, key=_outcome_order)),
        chi_square={
            "idva_support_by_time_band": chi_square(idva, [f"band:{b}" for b in TIME_BANDS]),
            "idva_support_by_hour_band": chi_square(idva, [f"hour:{h}" for h in HOUR_BANDS]),
            "prosecution_support_by_hour_band": chi_square(prosecution, [f"hour:{h}" for h in HOUR_BANDS]),
        },
    )


def _outcome_order(code: str) -> tuple[int, str]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return (int(digits) if digits else 999, code)


def contingency_table(tally: _Tally, keys: Iterable[str]) -> tuple[list[str], list[list[int]]]:
    """Rows: bands with a non-zero denominator; columns: accepted, not accepted."""
    used = [key for key in keys if tally.d[key] > 0]
    return used, [[tally.n[key], tally.d[key] - tally.n[key]] for key in used]


def chi_square(tally: _Tally, keys: Iterable[str]) -> ChiSquare | None:
    """None when the table cannot be tested: fewer than two bands, or nobody (or everybody)
    accepted, so a column total is zero."""
    used, table = contingency_table(tally, keys)
    if len(table) < 2 or any(sum(col) == 0 for col in zip(*table, strict=True)):
        return None
    try:
        result = chi2_contingency(table)
    except ValueError:
        return None
    return ChiSquare(
        statistic=float(result.statistic),
        dof=int(result.dof),
        p_value=float(result.pvalue),
        n=sum(map(sum, table)),
        min_expected=result.min_expected,
        bands=tuple(key.split(":", 1)[1] for key in used),
    )
