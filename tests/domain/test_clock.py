from datetime import UTC, datetime, timedelta

import pytest

from fieldapp.domain import clock
from fieldapp.domain.enums import ClockState, TimeBand


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=clock.LONDON)


def test_naive_times_are_london_wall_time():
    assert clock.as_utc(datetime(2024, 7, 1, 12, 0)) == datetime(2024, 7, 1, 11, 0, tzinfo=UTC)
    assert clock.as_utc(datetime(2024, 1, 1, 12, 0)) == datetime(2024, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("police", "idva", "hours"),
    [
        # October change: clocks go back at 02:00 BST on 2022-10-30, so the wall clock shows 24 h
        # but 25 real hours have passed.
        (datetime(2022, 10, 29, 20, 0), datetime(2022, 10, 30, 20, 0), 25.0),
        # March change: clocks go forward at 01:00 GMT on 2023-03-26: 24 wall hours are 23 real.
        (datetime(2023, 3, 25, 20, 0), datetime(2023, 3, 26, 20, 0), 23.0),
    ],
)
def test_elapsed_hours_across_clock_changes(police, idva, hours):
    assert clock.hours_between(police, idva) == pytest.approx(hours)


def test_deadline_is_24_real_hours_across_october_change():
    police = datetime(2022, 10, 29, 20, 0)  # BST
    due = clock.deadline(police)
    assert due - clock.as_utc(police) == timedelta(hours=24)
    # On the wall clock the deadline reads 19:00, one hour earlier than "same time tomorrow".
    assert clock.to_london(due).hour == 19
    state = clock.clock_state(police_visit_at=police, idva_visit_at=datetime(2022, 10, 30, 19, 30))
    assert state is ClockState.MISSED
    assert clock.time_band(clock.hours_between(police, datetime(2022, 10, 30, 19, 30))) is TimeBand.H24_TO_1W


def test_deadline_across_march_change_allows_the_wall_hour():
    police = datetime(2023, 3, 25, 20, 0)  # GMT
    assert clock.to_london(clock.deadline(police)).hour == 21  # BST
    state = clock.clock_state(police_visit_at=police, idva_visit_at=datetime(2023, 3, 26, 20, 30))
    assert state is ClockState.MET


def test_pending_states():
    police = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    at = lambda h: police + timedelta(hours=h)  # noqa: E731
    assert clock.clock_state(police_visit_at=police, idva_visit_at=None, now=at(1)) is ClockState.ON_TIME
    assert clock.clock_state(police_visit_at=police, idva_visit_at=None, now=at(20.5)) is ClockState.DUE_SOON
    assert clock.clock_state(police_visit_at=police, idva_visit_at=None, now=at(24.01)) is ClockState.OVERDUE
    assert clock.clock_state(police_visit_at=police, idva_visit_at=at(24), now=at(30)) is ClockState.MET


def test_describe_time_left():
    assert clock.describe_time_left(timedelta(hours=5, minutes=12)) == "5 h 12 m left"
    assert clock.describe_time_left(-timedelta(hours=3, minutes=4)) == "overdue by 3 h 04 m"
    assert clock.describe_time_left(timedelta(minutes=7)) == "7 m left"


@pytest.mark.parametrize(("hours", "band"), [(0, TimeBand.LE_24H), (24, TimeBand.LE_24H),
                                             (24.01, TimeBand.H24_TO_1W), (168, TimeBand.H24_TO_1W),
                                             (168.1, TimeBand.GT_1W), (None, None)])
def test_time_bands_are_inclusive_at_the_top(hours, band):
    assert clock.time_band(hours) == band


def test_hour_band_uses_local_time():
    # 07:30 UTC in July is 08:30 in London.
    assert clock.hour_band(datetime(2024, 7, 1, 7, 30, tzinfo=UTC)) == "08-12"
    assert clock.hour_band(datetime(2024, 1, 1, 7, 30, tzinfo=UTC)) == "00-08"
    assert clock.hour_band(london(2024, 1, 1, 23, 59)) == "20-24"


@pytest.mark.parametrize(("when", "quarter"), [
    (datetime(2022, 4, 1, 0, 30), "2022-23 Q1"), (datetime(2022, 3, 31, 23, 30), "2021-22 Q4"),
    (datetime(2022, 10, 1), "2022-23 Q3"), (datetime(2023, 1, 15), "2022-23 Q4"),
    (datetime(2099, 12, 31), "2099-00 Q3"),
])
def test_financial_quarter(when, quarter):
    assert clock.financial_quarter(when) == quarter
