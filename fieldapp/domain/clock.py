"""The 24-hour clock and the evaluation's bands.

All instants are timezone-aware UTC. Elapsed time is real time: subtracting two aware UTC
datetimes never gains or loses the hour of a clock change. Local (Europe/London) time is used
only for the hour-of-day band and for display.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fieldapp.domain.enums import ClockState, TimeBand

LONDON = ZoneInfo("Europe/London")
TARGET = timedelta(hours=24)
DUE_SOON = timedelta(hours=4)


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive value is read as Europe/London wall time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=LONDON)
        # A wall time that does not exist (spring gap) or is ambiguous (autumn) takes fold=0,
        # the earlier reading, which is what a person writing it down most often meant.
    return value.astimezone(UTC)


def to_london(value: datetime) -> datetime:
    return as_utc(value).astimezone(LONDON)


def deadline(police_visit_at: datetime) -> datetime:
    return as_utc(police_visit_at) + TARGET


def hours_between(start: datetime, end: datetime) -> float:
    return (as_utc(end) - as_utc(start)).total_seconds() / 3600.0


def clock_state(
    *, police_visit_at: datetime, idva_visit_at: datetime | None, now: datetime | None = None
) -> ClockState:
    due = deadline(police_visit_at)
    if idva_visit_at is not None:
        return ClockState.MET if as_utc(idva_visit_at) <= due else ClockState.MISSED
    left = due - as_utc(now or utc_now())
    if left < timedelta(0):
        return ClockState.OVERDUE
    if left < DUE_SOON:
        return ClockState.DUE_SOON
    return ClockState.ON_TIME


def time_left(police_visit_at: datetime, now: datetime | None = None) -> timedelta:
    return deadline(police_visit_at) - as_utc(now or utc_now())


def describe_time_left(left: timedelta) -> str:
    """'5 h 12 m left' or 'overdue by 3 h 4 m' (English; the UI translates its own copy)."""
    minutes = int(abs(left).total_seconds() // 60)
    hours, mins = divmod(minutes, 60)
    text = f"{hours} h {mins:02d} m" if hours else f"{mins} m"
    return f"{text} left" if left >= timedelta(0) else f"overdue by {text}"


def time_band(hours: float | None) -> TimeBand | None:
    if hours is None:
        return None
    if hours <= 24:
        return TimeBand.LE_24H
    if hours <= 168:
        return TimeBand.H24_TO_1W
    return TimeBand.GT_1W


def hour_band(idva_visit_at: datetime | None) -> str | None:
    if idva_visit_at is None:
        return None
    hour = to_london(idva_visit_at).hour
    if hour < 8:
        return "00-08"
    if hour < 12:
        return "08-12"
    if hour < 16:
        return "12-16"
    if hour < 20:
        return "16-20"
    return "20-24"


def financial_quarter(police_visit_at: datetime) -> str:
    """UK financial year April-March by local date, e.g. '2022-23 Q1'."""
    local = to_london(police_visit_at)
    start_year = local.year if local.month >= 4 else local.year - 1
    quarter = ((local.month - 4) % 12) // 3 + 1
    return f"{start_year}-{(start_year + 1) % 100:02d} Q{quarter}"
