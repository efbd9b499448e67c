"""A shortcut for the common tracker row: every cell already in its plain, canonical spelling.

:func:`fieldapp.tracker.cells.build_row` parses each cell through the general path (spreadsheet
quoting, spaces, case, every date style), then has pydantic check the whole row again; for a
100,000-row import that was ~30 us a row, ten times the csv module's own parse. Here a cell that
is spelt exactly as a code, a number, a plain ISO date and time, a UUID or plain text is read by a
table look-up or one parse, and the row is built without a second validation when every check
pydantic would make is already known to pass. Anything else (a problem, an odd spelling, a
value pydantic would round or trim) gives None, and the caller takes the general path, so the
rows accepted, the values and the rejection messages are exactly the same as that path's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from fieldapp.domain import clock
from fieldapp.domain.enums import OUTCOME_CODES, Bcu, RiskGrade, VisitMode
from fieldapp.tracker.cells import MAX_CELL_LENGTH, PARSERS, CellProblem, build_row
from fieldapp.tracker.row import (
    _ILLEGAL_TEXT,
    EARLIEST,
    LATEST,
    REFERRAL_COLUMNS,
    ReferralDecision,
    SupportDecision,
    TrackerRow,
    derive_visit_id,
)

_MISS: Any = object()
_FastParser = Callable[[str], Any]


def read_row(cells: Mapping[str, object], *, uk_dates: bool = False) -> TrackerRow:
    """Exactly ``cells.build_row(cells, uk_dates=uk_dates)`` (same row or same CellProblem)."""
    values = _values(cells)
    row = None if values is None else _row(values)
    return row if row is not None else build_row(cells, uk_dates=uk_dates)


def _table(pairs: Mapping[str, object]) -> _FastParser:
    get = pairs.get
    return lambda raw: get(raw, _MISS)


def _choice(enum: type[StrEnum]) -> _FastParser:
    return _table({member.value: member for member in enum})


def _whole(low: int, high: int) -> _FastParser:
    return _table({str(n): n for n in range(low, high + 1)})


def _plain(max_length: int) -> _FastParser:
    def parse(raw: str) -> Any:
        # No spaces to trim and no leading quote to undo: the general path keeps it as it is.
        if len(raw) > max_length or raw[0] in " '" or raw[-1] == " ":
            return _MISS
        return raw

    return parse


def _visit_id(raw: str) -> Any:
    if len(raw) != 36 or raw[0] == "'" or raw[0].isspace() or raw[-1].isspace():
        return _MISS
    try:
        return UUID(raw)
    except ValueError:
        return _MISS


# A subset of what cells._ISO accepts; the rest (and every problem) takes the general path.
_PLAIN_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?", re.ASCII)


def _instant(raw: str) -> Any:
    if _PLAIN_INSTANT.fullmatch(raw) is None:
        return _MISS
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return _MISS
    if moment.tzinfo is None and not 2000 <= moment.year <= 2099:
        return _MISS
    try:
        return clock.as_utc(moment)
    except (OverflowError, ValueError):
        return _MISS


_GOALS: dict[str, tuple] = {}
_GOALS_KEPT = 4096  # distinct goal lists remembered (a sheet has a few dozen)


def _goals(raw: str) -> Any:
    goals = _GOALS.get(raw)
    if goals is not None:
        return goals
    if len(raw) > MAX_CELL_LENGTH:
        return _MISS
    try:
        goals = PARSERS["victim_goals"](raw, "victim_goals", False)
    except CellProblem:
        return _MISS
    if len(_GOALS) < _GOALS_KEPT:
        _GOALS[raw] = goals
    return goals


_YES_NO = _table({"YES": True, "NO": False})
FAST: dict[str, _FastParser] = {
    "visit_id": _visit_id,
    "police_incident_ref": _plain(32),
    "bcu": _choice(Bcu),
    "district": _plain(40),
    "police_visit_at": _instant,
    "idva_visit_at": _instant,
    "idva_support": _choice(SupportDecision),
    "prosecution_support": _choice(SupportDecision),
    "idva_code": _plain(40),
    "visit_mode": _choice(VisitMode),
    "police_risk_grade": _choice(RiskGrade),
    "dash_score": _whole(0, 24),
    "marac_referral": _YES_NO,
    **{column: _choice(ReferralDecision) for column in REFERRAL_COLUMNS},
    "repeat_victim": _YES_NO,
    "repeat_suspect": _YES_NO,
    "children_in_household": _whole(0, 30),
    "outcome_code": _table({code: code for code in OUTCOME_CODES}),
    "victim_goals": _goals,
}
assert tuple(FAST) == tuple(PARSERS)
_EMPTY: dict[str, object] = {column: None for column in FAST} | {"police_incident_ref": "", "victim_goals": ()}


def _values(cells: Mapping[str, object]) -> dict[str, object] | None:
    """Parsed values as the general path would make them, or None if any cell needs that path."""
    values: dict[str, object] = {}
    for column, raw in cells.items():
        parse = FAST.get(column)
        if parse is None:
            continue  # a derived column: recomputed, never read
        if raw is None or raw == "":
            values[column] = _EMPTY[column]
            continue
        if type(raw) is not str:
            return None  # an XLSX number, date or boolean
        value = parse(raw)
        if value is _MISS:
            return None
        values[column] = value
    police = values.get("police_visit_at")
    if not values.get("police_incident_ref") or values.get("bcu") is None or police is None:
        return None  # "is required"
    idva = values.get("idva_visit_at")
    if idva is not None and idva < police:  # type: ignore[operator]
        return None
    return values


_FIELDS = tuple(TrackerRow.model_fields.items())
_new = object.__new__
_set = object.__setattr__


def _row(values: dict[str, Any]) -> TrackerRow | None:
    """The TrackerRow pydantic would validate from ``values``, made directly, when every one of
    its checks is known to pass and leave the value as it is; otherwise None."""
    if values.get("visit_id") is None:
        values["visit_id"] = derive_visit_id(values["police_incident_ref"], values["police_visit_at"])
    for column in ("police_incident_ref", "district", "idva_code"):
        text = values.get(column)
        if text is not None and (text[0] == " " or text[-1] == " " or _ILLEGAL_TEXT.search(text)):
            return None  # pydantic would trim it or refuse it
    for column in ("police_visit_at", "idva_visit_at"):
        moment = values.get(column)
        if moment is not None and (moment.microsecond or not EARLIEST <= moment <= LATEST):
            return None  # pydantic would round it or refuse it
    goals = values.get("victim_goals")
    if goals:
        values["victim_goals"] = tuple(dict.fromkeys(goals))  # as the model's own validator does
    # What BaseModel.model_construct does, without its per-field bookkeeping: the field values in
    # declaration order (defaults for absent columns) and the set of fields given.
    row = _new(TrackerRow)
    _set(row, "__dict__", {name: values[name] if name in values else field.default
                           for name, field in _FIELDS})
    _set(row, "__pydantic_fields_set__", set(values))
    _set(row, "__pydantic_extra__", None)
    _set(row, "__pydantic_private__", None)
    return row
