"""Words for the 24-hour clock on the board: state names and countdown text (translatable).

Kept apart from the model so the wording can be tested and reused (dashboard, case page header)
without a table. Every state has a word and an icon as well as a colour: colour is never the only
signal.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QIcon

from fieldapp.domain import clock
from fieldapp.domain.enums import ClockState
from fieldapp.domain.records import CaseSummary
from fieldapp.ui.icons import icon

_CTX = "ClockText"

# Most urgent first; used as the sort key of the state column.
STATE_ORDER: dict[ClockState, int] = {
    ClockState.OVERDUE: 0, ClockState.DUE_SOON: 1, ClockState.ON_TIME: 2,
    ClockState.MISSED: 3, ClockState.MET: 4,
}

_ICONS = {
    ClockState.ON_TIME: "clock", ClockState.DUE_SOON: "hourglass", ClockState.OVERDUE: "warning",
    ClockState.MET: "check", ClockState.MISSED: "cross",
}

# Dark enough for 4.5:1 contrast on white; paired with the word and icon, never alone.
_COLOURS = {
    ClockState.ON_TIME: "#1f4f73", ClockState.DUE_SOON: "#7a4a00", ClockState.OVERDUE: "#a3221b",
    ClockState.MET: "#25632a", ClockState.MISSED: "#5f2626",
}


def state_word(state: ClockState) -> str:
    words = {
        ClockState.ON_TIME: QCoreApplication.translate(_CTX, "On time"),
        ClockState.DUE_SOON: QCoreApplication.translate(_CTX, "Due soon"),
        ClockState.OVERDUE: QCoreApplication.translate(_CTX, "Overdue"),
        ClockState.MET: QCoreApplication.translate(_CTX, "Met"),
        ClockState.MISSED: QCoreApplication.translate(_CTX, "Missed"),
    }
    return words[state]


def state_icon(state: ClockState) -> QIcon:
    return icon(_ICONS[state])


def state_colour(state: ClockState) -> QColor:
    return QColor(_COLOURS[state])


def _span(amount: timedelta) -> str:
    """'5 h 12 m', '45 m', or for two days and more '3 d 4 h' (minutes stop mattering)."""
    minutes = int(abs(amount).total_seconds() // 60)
    hours, mins = divmod(minutes, 60)
    if hours >= 48:
        days, hours = divmod(hours, 24)
        return QCoreApplication.translate(_CTX, "%1 d %2 h").replace("%1", str(days)).replace(
            "%2", str(hours))
    if hours:
        return QCoreApplication.translate(_CTX, "%1 h %2 m").replace("%1", str(hours)).replace(
            "%2", f"{mins:02d}")
    return QCoreApplication.translate(_CTX, "%1 m").replace("%1", str(mins))


def countdown_text(case: CaseSummary, now: datetime) -> str:
    """'5 h 12 m left', 'overdue by 3 h 04 m', 'met (18.5 h)' or 'missed (30.2 h)'."""
    if case.idva_visit_at is not None:
        hours = clock.hours_between(case.police_visit_at, case.idva_visit_at)
        template = (QCoreApplication.translate(_CTX, "met (%1 h)")
                    if case.clock(now) is ClockState.MET
                    else QCoreApplication.translate(_CTX, "missed (%1 h)"))
        return template.replace("%1", f"{hours:.1f}")
    left = clock.time_left(case.police_visit_at, now)
    if left >= timedelta(0):
        return QCoreApplication.translate(_CTX, "%1 left").replace("%1", _span(left))
    return QCoreApplication.translate(_CTX, "overdue by %1").replace("%1", _span(left))


def time_sort_key(case: CaseSummary, now: datetime) -> float:
    """Seconds left for pending visits (negative when overdue); visited cases sort after them."""
    if case.idva_visit_at is not None:
        return 1e12 + clock.hours_between(case.police_visit_at, case.idva_visit_at)
    return clock.time_left(case.police_visit_at, now).total_seconds()


# ---- sync marks (the board's Sync column, the case page's header) -----------------------------

def sync_mark_text(marks: frozenset[str]) -> str:
    """'Conflict', 'Not yet synced', both, or '' (the marks are ``board_model.MARK_*``)."""
    parts = []
    if "conflict" in marks:
        parts.append(QCoreApplication.translate(_CTX, "Conflict"))
    if "unsynced" in marks:
        parts.append(QCoreApplication.translate(_CTX, "Not yet synced"))
    return " · ".join(parts)


def sync_mark_tooltip(marks: frozenset[str]) -> str:
    parts = []
    if "conflict" in marks:
        parts.append(QCoreApplication.translate(
            _CTX, "Two devices changed safety information differently; the safer value is in "
                  "force until someone resolves it (Sync ▸ Conflicts)."))
    if "unsynced" in marks:
        parts.append(QCoreApplication.translate(
            _CTX, "Changes to this case are kept on this laptop and have not yet been "
                  "acknowledged by the station hub."))
    return " ".join(parts)


def sync_mark_icon(marks: frozenset[str]) -> QIcon:
    return icon("warning" if "conflict" in marks else "sync")
