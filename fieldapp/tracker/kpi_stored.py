"""The KPI counts straight from the vault's stored values, for the one engine in tracker.kpi.

Building and validating a TrackerRow per visit, then deriving its bands through time-zone
conversions, cost more than everything else in a 100,000-visit report. The rows were validated
when they were written, and the KPIs read only a few of their values, so here each visit is
counted from the stored text itself: instants are parsed once and rounded to whole seconds
exactly as TrackerRow does, and the Europe/London facts (local date, financial quarter, hour
band) are worked out once per UTC hour, since the London offset only changes on the hour. What
must be interpreted still fails loudly, as validation did: an unknown offer status, BCU or
outcome code, or an IDVA visit before the police visit.

Offers arrive folded into one integer per visit (see ``offer_code_sql``): three bits per
decision, so 420,000 offer rows become 100,000 small integers in a single table scan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from fieldapp.domain import clock
from fieldapp.domain.enums import Bcu, OfferStatus, TimeBand
from fieldapp.tracker.kpi import KpiFilter
from fieldapp.tracker.kpi_counts import KpiCounts, ReferralKey
from fieldapp.tracker.row import REFERRAL_COLUMNS, ReferralDecision, SupportDecision, _outcome

STATUS_CODES: dict[str, int] = {
    "ACCEPTED": 1, "DECLINED": 2, "UNDECIDED": 3, "OFFERED": 4, "NOT_OFFERED": 5,
}
UNKNOWN_STATUS = 1 << 30  # shifted by at most OTHER_SHIFT: any code >= 2**30 holds one
FIELD = 3  # bits per decision
IDVA_SHIFT, PROSECUTION_SHIFT = 0, 3
REFERRAL_SHIFT: dict[str, int] = {  # the referral target each tracker column stands for
    column.removeprefix("ref_").upper(): 6 + FIELD * i for i, column in enumerate(REFERRAL_COLUMNS)
}
OTHER_SHIFT = 6 + FIELD * len(REFERRAL_COLUMNS)  # other offers: status checked, else ignored

# The tracker's reading of each stored offer status (tracker_rows uses the same tables): OFFERED
# is still undecided for support; a referral not offered is no referral.
SUPPORT_FOR_STATUS: dict[str, SupportDecision] = {
    "ACCEPTED": SupportDecision.ACCEPTED, "DECLINED": SupportDecision.DECLINED,
    "UNDECIDED": SupportDecision.UNDECIDED, "OFFERED": SupportDecision.UNDECIDED,
    "NOT_OFFERED": SupportDecision.NOT_OFFERED,
}
REFERRAL_FOR_STATUS: dict[str, ReferralDecision] = {
    "ACCEPTED": ReferralDecision.ACCEPTED, "DECLINED": ReferralDecision.DECLINED,
    "OFFERED": ReferralDecision.OFFERED, "UNDECIDED": ReferralDecision.OFFERED,
}
assert set(STATUS_CODES) == set(SUPPORT_FOR_STATUS) == {status.value for status in OfferStatus}
_SUPPORT: dict[int, str | None] = {0: None} | {
    code: SUPPORT_FOR_STATUS[status].value for status, code in STATUS_CODES.items()}
_REFERRAL: dict[int, str | None] = {0: None} | {
    code: (d.value if (d := REFERRAL_FOR_STATUS.get(status)) else None)
    for status, code in STATUS_CODES.items()}
_MASK = (1 << FIELD) - 1
_BCUS = frozenset(b.value for b in Bcu)

StoredVisit = tuple[str, str, str, str | None, str, str | None, str | None, str | None]
"""(visit id, case id, police visit at, IDVA visit at, BCU, district, IDVA code, allocated to),
as the vault stores them (instants as fixed-width '2022-10-29T18:45:00.000000Z' text)."""


def offer_code_sql() -> str:
    """SQL for one offer's code (columns offer_type, target, status): its decision's status
    code shifted into the field of its kind, UNKNOWN_STATUS for a status the app never writes."""
    status = " ".join(f"WHEN '{s}' THEN {c}" for s, c in STATUS_CODES.items())
    target = " ".join(f"WHEN '{t}' THEN {s}" for t, s in REFERRAL_SHIFT.items())
    return (f"(CASE status {status} ELSE {UNKNOWN_STATUS} END) << CASE offer_type"
            f" WHEN 'IDVA_SUPPORT' THEN {IDVA_SHIFT}"
            f" WHEN 'PROSECUTION_SUPPORT' THEN {PROSECUTION_SHIFT}"
            f" WHEN 'REFERRAL' THEN CASE target {target} ELSE {OTHER_SHIFT} END"
            f" ELSE {OTHER_SHIFT} END")


def fold_offers(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    """(visit id, offer code) rows to one code per visit. A visit has one offer of each kind
    (unique visit, type and target), so the fields never overlap."""
    codes: dict[str, int] = {}
    get = codes.get
    for visit_id, code in rows:
        codes[visit_id] = get(visit_id, 0) | code
    return codes


def instant(text: str) -> datetime:
    """Stored UTC text to the aware instant TrackerRow holds: rounded to the nearest second."""
    value = datetime.fromisoformat(text)
    if value.microsecond:
        value = value.replace(microsecond=0) + timedelta(seconds=value.microsecond >= 500_000)
    return value


def _hour_key(text: str) -> str:
    """'YYYY-MM-DDTHH' of the rounded instant (only xx:59:59.5 and later rounds into the next)."""
    return text[:13] if text[20] < "5" else instant(text).strftime("%Y-%m-%dT%H")


class _London:
    """Local date, financial quarter and hour band per UTC hour: Europe/London changes its
    offset only on the hour, so every instant of one UTC hour shares them."""

    def __init__(self) -> None:
        self.hours: dict[str, tuple[date, str, str]] = {}

    def of(self, text: str) -> tuple[date, str, str]:
        key = text[:13] if text[20] < "5" else _hour_key(text)
        return self.hours.get(key) or self._add(key)

    def _add(self, key: str) -> tuple[date, str, str]:
        at = datetime.fromisoformat(key + ":00:00+00:00")
        facts = self.hours[key] = (clock.to_london(at).date(), clock.financial_quarter(at),
                                   clock.hour_band(at) or "")
        return facts


def _code(text: str | None) -> str | None:
    """TrackerRow's reading of an optional code: spaces trimmed, empty is none."""
    return (text.strip(" ") or None) if text else None


def _band(police: str, idva: str) -> str:
    """The time band of the rounded instants, as TrackerRow.time_band works it out."""
    start, end = datetime.fromisoformat(police), datetime.fromisoformat(idva)
    if start.microsecond or end.microsecond:
        start, end = instant(police), instant(idva)
    hours = (end - start).total_seconds() / 3600.0
    if hours < 0:
        raise ValueError("the IDVA visit is before the police visit; check both dates")
    return _BAND_TEXT[clock.time_band(hours)]


_BAND_TEXT = {band: band.value for band in TimeBand}


def count_stored(visits: Iterable[StoredVisit], *, offers: dict[str, int],
                 outcomes: dict[str, str], flt: KpiFilter | None = None) -> KpiCounts:
    """The counts of the stored visits that ``flt`` accepts; ``offers`` maps a visit id to its
    folded offer code, ``outcomes`` a case id to its stored outcome code."""
    london = _London()
    support: Counter[tuple[str, str | None, int]] = Counter()  # (band, hour band, code & 63)
    by_outcome: Counter[tuple[str, str, str]] = Counter()  # (quarter, BCU, stored outcome)
    referral_codes: Counter[int] = Counter()
    offer_code, outcome_of = offers.get, outcomes.get
    first = last = None
    for visit_id, case_id, police, idva, bcu, district, idva_code, allocated in visits:
        if flt is not None and not flt.accepts(
                police_visit_at=london.of(police)[0] if flt.by_date else date.min, bcu=bcu,
                district=_code(district), idva_code=_code(idva_code or allocated)):
            continue
        if bcu not in _BCUS:
            raise ValueError("a case in the vault has an unknown BCU")
        if first is None or police < first:  # fixed-width UTC text sorts as time does
            first = police
        if last is None or police > last:
            last = police
        code = offer_code(visit_id, 0)
        if idva is None:
            support[("", None, code & 63)] += 1
        else:
            support[(_band(police, idva), london.of(idva)[2], code & 63)] += 1
        outcome = outcome_of(case_id)
        if outcome is not None:
            by_outcome[(london.of(police)[1], bcu, outcome)] += 1
        referral_codes[code >> 6] += 1
    counts = KpiCounts(first=None if first is None else instant(first),
                       last=None if last is None else instant(last))
    _decode(counts, support=support, by_outcome=by_outcome, referral_codes=referral_codes)
    return counts


def _decode(counts: KpiCounts, *, support: Counter[tuple[str, str | None, int]],
            by_outcome: Counter[tuple[str, str, str]], referral_codes: Counter[int]) -> None:
    """The distinct raw keys (hundreds) to the engine's keys, checking what they hold."""
    for (band, hour, code), times in support.items():
        idva, prosecution = code & _MASK, code >> PROSECUTION_SHIFT
        if idva not in _SUPPORT or prosecution not in _SUPPORT:
            raise ValueError("a visit in the vault has two offers of one kind")
        counts.support[(band, hour, _SUPPORT[idva], _SUPPORT[prosecution])] += times
    for (quarter, bcu, stored), times in by_outcome.items():
        outcome = _outcome(stored)  # raises on a code the app never writes
        if outcome is not None:
            counts.outcomes[(quarter, bcu, outcome)] += times
    for code, times in referral_codes.items():
        if code << 6 >= UNKNOWN_STATUS:
            raise ValueError("an offer in the vault has an unknown status")
        decisions: ReferralKey = tuple(_REFERRAL[(code >> (shift - 6)) & _MASK]
                                       for shift in REFERRAL_SHIFT.values())
        counts.referrals[decisions] += times
