"""compute_kpis now counts by distinct key (kpi_counts) and makes the figures from the counts:
every field must equal the per-row engine it replaced (kpi_reference), filters included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kpi_reference import reference_kpis, reference_matches
from tracker_helpers import make_row

from fieldapp.domain.enums import OUTCOME_CODES, Bcu
from fieldapp.tracker import KpiFilter, ReferralDecision, SupportDecision, TrackerRow, compute_kpis
from fieldapp.tracker.row import REFERRAL_COLUMNS

# Instants around the clock changes and the financial year end, where local date, hour band and
# quarter turn over, plus anywhere in the years the tracker holds.
_EDGES = [datetime(2022, 3, 27, 1, tzinfo=UTC), datetime(2022, 10, 30, 1, tzinfo=UTC),
          datetime(2022, 3, 31, 23, tzinfo=UTC), datetime(2023, 3, 31, 23, 30, tzinfo=UTC)]
instants = st.one_of(
    st.builds(lambda edge, s: edge + timedelta(seconds=s), st.sampled_from(_EDGES),
              st.integers(-26 * 3600, 26 * 3600)),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2025, 12, 31),
                 timezones=st.just(UTC)),
)
# Gaps around 24 hours and one week, where the time band turns over.
gaps = st.none() | st.one_of(
    st.integers(0, 400 * 3600),
    st.sampled_from([86399, 86400, 86401, 604799, 604800, 604801]),
).map(lambda s: timedelta(seconds=s))
support = st.none() | st.sampled_from(SupportDecision)
referral = st.none() | st.sampled_from(ReferralDecision)


@st.composite
def rows(draw: Any) -> TrackerRow:
    police = draw(instants)
    gap = draw(gaps)
    return make_row(
        bcu=draw(st.sampled_from(Bcu)), district=draw(st.sampled_from([None, "Fylde", "WYRE "])),
        idva_code=draw(st.sampled_from([None, "idva01", "IDVA02"])), police_visit_at=police,
        idva_visit_at=None if gap is None else police + gap,
        idva_support=draw(support), prosecution_support=draw(support),
        outcome_code=draw(st.none() | st.sampled_from(OUTCOME_CODES)),
        **{column: draw(referral) for column in REFERRAL_COLUMNS},
    )


filters = st.builds(
    KpiFilter,
    date_from=st.none() | st.dates(date(2022, 3, 25), date(2022, 11, 1)),
    date_to=st.none() | st.dates(date(2022, 3, 25), date(2023, 4, 2)),
    bcu=st.none() | st.sampled_from(Bcu),
    district=st.sampled_from([None, "", " fylde ", "wyre"]),
    idva_code=st.sampled_from([None, "IDVA01", "idva02 "]),
)
positives = st.sampled_from([None, frozenset({"1"}), frozenset({" 1a ", "2", "21"}), frozenset()])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), max_size=60), filters, positives)
def test_counted_kpis_equal_the_per_row_engine(sample: list[TrackerRow], flt: KpiFilter,
                                               positive: frozenset[str] | None) -> None:
    kwargs = {} if positive is None else {"positive_outcomes": positive}
    assert compute_kpis(sample, **kwargs) == reference_kpis(sample, **kwargs)
    chosen = [row for row in sample if reference_matches(flt, row)]
    assert list(flt.apply(sample)) == chosen
    assert compute_kpis(flt.apply(sample), **kwargs) == reference_kpis(chosen, **kwargs)


def test_counted_kpis_equal_the_per_row_engine_on_the_shared_sample(sample_csv) -> None:
    from fieldapp.tracker import read_tracker

    sample = [item for item in read_tracker(sample_csv) if isinstance(item, TrackerRow)]
    assert len(sample) == 150
    assert compute_kpis(sample) == reference_kpis(sample)
