"""What the KPI engine counts: how many visits share each combination of the values it reads.

Every figure of a KpiReport (tracker.kpi.kpi_report) follows from these counts, so a caller that
can count them more cheaply than by building TrackerRows (the vault: tracker.kpi_stored) feeds
the same engine as compute_kpis and cannot drift from it. All keys hold plain text values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from fieldapp.tracker.row import REFERRAL_COLUMNS, TrackerRow

SupportKey = tuple[str, str | None, str | None, str | None]
"""(time band, "" without an IDVA visit; hour band of the IDVA visit; IDVA support decision;
prosecution support decision)."""
OutcomeKey = tuple[str, str, str]
"""(financial quarter of the police visit, BCU, outcome code) of a visit with an outcome."""
ReferralKey = tuple[str | None, ...]
"""The referral decision of each of REFERRAL_COLUMNS (None where there is none)."""


@dataclass
class KpiCounts:
    """Visits per SupportKey (every visit once), per OutcomeKey (visits with an outcome) and
    per ReferralKey (every visit once); the first and last police visits."""

    support: Counter[SupportKey] = field(default_factory=Counter)
    outcomes: Counter[OutcomeKey] = field(default_factory=Counter)
    referrals: Counter[ReferralKey] = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None


def _value(decision: StrEnum | None) -> str | None:
    return None if decision is None else decision.value


def count_rows(rows: Iterable[TrackerRow]) -> KpiCounts:
    """The counts of TrackerRows (any iterable, consumed once)."""
    counts = KpiCounts()
    support, outcomes, referrals = counts.support, counts.outcomes, counts.referrals
    first = last = None
    for row in rows:
        when = row.police_visit_at
        if first is None or when < first:
            first = when
        if last is None or when > last:
            last = when
        band = row.time_band
        support[(band.value if band else "", row.visit_hour_band, _value(row.idva_support),
                 _value(row.prosecution_support))] += 1
        if row.outcome_code is not None:
            outcomes[(row.financial_quarter, row.bcu.value, row.outcome_code)] += 1
        referrals[tuple(_value(getattr(row, column)) for column in REFERRAL_COLUMNS)] += 1
    counts.first, counts.last = first, last
    return counts
