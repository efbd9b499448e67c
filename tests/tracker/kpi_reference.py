"""The KPI engine as it was before it counted by distinct keys (commit 401b24f), kept verbatim
as the reference the faster paths are checked against: one pass over TrackerRows, per row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from fieldapp.domain import clock
from fieldapp.domain.enums import DEFAULT_POSITIVE_OUTCOMES, HOUR_BANDS, Bcu, TimeBand
from fieldapp.tracker.kpi import TIME_BANDS, KpiFilter, KpiReport, Pct, _outcome_order, chi_square
from fieldapp.tracker.row import REFERRAL_COLUMNS, ReferralDecision, SupportDecision, TrackerRow

_IN_DENOMINATOR = (SupportDecision.ACCEPTED, SupportDecision.DECLINED, SupportDecision.UNDECIDED)


def reference_matches(flt: KpiFilter, row: TrackerRow) -> bool:
    """KpiFilter.matches as it was."""
    if flt.date_from is not None or flt.date_to is not None:
        local = clock.to_london(row.police_visit_at).date()
        if flt.date_from is not None and local < flt.date_from:
            return False
        if flt.date_to is not None and local > flt.date_to:
            return False
    if flt.bcu is not None and row.bcu is not flt.bcu:
        return False
    if flt.district and (row.district or "").casefold() != flt.district.strip().casefold():
        return False
    if flt.idva_code and (row.idva_code or "").casefold() != flt.idva_code.strip().casefold():
        return False
    return True


class _Tally:
    def __init__(self) -> None:
        self.n: Counter[str] = Counter()
        self.d: Counter[str] = Counter()

    def add(self, key: str, decision: SupportDecision | None) -> None:
        if decision in _IN_DENOMINATOR:
            self.count(key, decision is SupportDecision.ACCEPTED)

    def count(self, key: str, hit: bool) -> None:
        self.d[key] += 1
        if hit:
            self.n[key] += 1

    def pct(self, key: str) -> Pct:
        return Pct.of(self.n[key], self.d[key])


def reference_kpis(
    rows: Iterable[TrackerRow], *, positive_outcomes: frozenset[str] = DEFAULT_POSITIVE_OUTCOMES
) -> KpiReport:
    positive = frozenset(code.strip().upper() for code in positive_outcomes)
    visits = 0
    bands: Counter[str] = Counter()
    idva, prosecution = _Tally(), _Tally()
    outcomes = _Tally()
    referrals = {column: Counter[str]() for column in REFERRAL_COLUMNS}
    first: datetime | None = None
    last: datetime | None = None

    for row in rows:
        visits += 1
        if first is None or row.police_visit_at < first:
            first = row.police_visit_at
        if last is None or row.police_visit_at > last:
            last = row.police_visit_at
        band = row.time_band
        hour = row.visit_hour_band
        bands[band.value if band else ""] += 1
        idva.add("", row.idva_support)
        prosecution.add("", row.prosecution_support)
        if band is not None:
            idva.add("band:" + band.value, row.idva_support)
        if hour is not None:
            idva.add("hour:" + hour, row.idva_support)
            prosecution.add("hour:" + hour, row.prosecution_support)
        for column in REFERRAL_COLUMNS:
            decision = getattr(row, column)
            if decision is not None:
                referrals[column][decision.value] += 1
        if row.outcome_code is not None:
            hit = row.outcome_code in positive
            quarter = row.financial_quarter
            for key in ("", "q:" + quarter, "b:" + row.bcu.value, f"qb:{quarter}|{row.bcu.value}"):
                outcomes.count(key, hit)

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
        period_from=first,
        period_to=last,
        positive_outcome_codes=tuple(sorted(positive, key=_outcome_order)),
        chi_square={
            "idva_support_by_time_band": chi_square(idva, [f"band:{b}" for b in TIME_BANDS]),  # type: ignore[arg-type]
            "idva_support_by_hour_band": chi_square(idva, [f"hour:{h}" for h in HOUR_BANDS]),  # type: ignore[arg-type]
            "prosecution_support_by_hour_band": chi_square(prosecution, [f"hour:{h}" for h in HOUR_BANDS]),  # type: ignore[arg-type]
        },
    )
