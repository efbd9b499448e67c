"""Reading one tracker row's cells into a TrackerRow, and the formula-injection defence.

Shared by the CSV and XLSX readers: a CSV cell is always text, an XLSX cell may already be a
number, a boolean or a datetime. Every problem becomes a :class:`CellProblem` whose reason says
what is expected and never quotes the value (tracker data is OFFICIAL-SENSITIVE), and nothing a
cell holds can make this module raise anything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import ValidationError

from fieldapp.domain import clock
from fieldapp.domain.enums import OUTCOME_CODES, Bcu, RiskGrade, VictimGoal, VisitMode
from fieldapp.tracker.row import (
    COLUMNS,
    DERIVED,
    REFERRAL_COLUMNS,
    ReferralDecision,
    SupportDecision,
    TrackerRow,
    derive_visit_id,
)

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\x00")
"""OWASP CSV-injection triggers (plus NUL): a text cell starting with one gets a leading ``'``."""

MAX_CELL_LENGTH = 400  # no tracker value is longer; anything longer is refused before parsing


def _needs_guard(text: str) -> bool:
    # Quotes already at the front are looked through, so that text which itself begins with
    # "'=" also survives the round trip (it is written "''=").
    return text.lstrip("'").startswith(FORMULA_TRIGGERS)


def defuse(text: str) -> str:
    """The text as it is written to a file: a spreadsheet must never read it as a formula."""
    return "'" + text if _needs_guard(text) else text


def undefuse(text: str) -> str:
    """Undo :func:`defuse` (exactly: ``undefuse(defuse(t)) == t``). A ``'`` is removed only where
    it guards a trigger, so other text starting with ``'`` is kept as it is."""
    if text.startswith("'") and _needs_guard(text[1:]):
        return text[1:]
    return text


_OOXML_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def ooxml_escape(text: str) -> str:
    """XLSX text escaping for the one character XML loses: a CR (XML reads CR LF as LF). A literal
    ``_xHHHH_`` in the text has its underscore escaped, as Excel itself does."""
    text = _OOXML_ESCAPED.sub(lambda m: "_x005F" + m.group(0), text)
    return text.replace("\r", "_x000D_")


def ooxml_unescape(text: str) -> str:
    """Decode ``_xHHHH_`` in an XLSX string, as Excel does (openpyxl leaves it encoded)."""
    if "_x" not in text:
        return text
    return _OOXML_ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


class CellProblem(Exception):  # noqa: N818 - a control-flow signal, caught inside this package
    def __init__(self, column: str, reason: str):
        super().__init__(f"{column}: {reason}")
        self.column = column
        self.reason = reason


def cell_text(value: object) -> str:
    """Any cell as text: numbers in their plain spelling, spreadsheet quoting undone."""
    if value is None:
        return ""
    if isinstance(value, str):
        return undefuse(value.strip(" "))
    if isinstance(value, bool):
        return "YES" if value else "NO"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


# ---- dates -----------------------------------------------------------------------------------

_ISO = re.compile(
    r"\d{4}-?\d{2}-?\d{2}[T ]\d{2}(:?\d{2}(:?\d{2}([.,]\d{1,9})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?",
    re.ASCII,
)
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?", re.ASCII)
_DATE_HELP = (
    "expected an ISO 8601 date and time such as 2022-10-29T19:45 "
    "(Europe/London time unless it ends in Z or an offset such as +01:00)"
)


def parse_instant(value: object, column: str, *, uk_dates: bool) -> datetime | None:
    """An aware UTC datetime, or None for an empty cell; naive values are Europe/London time."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        raise CellProblem(column, "has a date but no time; enter the date and the time")
    elif isinstance(value, str):
        moment = _parse_text_instant(value.strip(), column, uk_dates=uk_dates)
        if moment is None:
            return None
    else:
        raise CellProblem(column, _DATE_HELP + "; in Excel, format the column as a date")
    if moment.tzinfo is None and not 2000 <= moment.year <= 2099:
        raise CellProblem(column, "must be a date between 2000 and 2099")
    try:
        return clock.as_utc(moment)
    except (OverflowError, ValueError):
        raise CellProblem(column, "must be a date between 2000 and 2099") from None


def _parse_text_instant(text: str, column: str, *, uk_dates: bool) -> datetime | None:
    text = undefuse(text).strip().upper()
    if text == "":
        return None
    if len(text) <= 40 and _ISO.fullmatch(text):
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise CellProblem(column, "is not a real date and time (check the day and month)") from None
    match = _UK.fullmatch(text) if len(text) <= 40 else None
    if match is None:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII):
            raise CellProblem(column, "has a date but no time; " + _DATE_HELP)
        raise CellProblem(column, _DATE_HELP)
    if not uk_dates:
        raise CellProblem(column, _DATE_HELP + "; day-first dates like 29/10/2022 19:45 are not tracker v1")
    day, month, year, hour, minute, second = (int(g or 0) for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise CellProblem(column, "is not a real date and time (check the day and month)") from None


# ---- codes, numbers, text --------------------------------------------------------------------
# Each parser takes (cell, column, uk_dates); an empty cell never reaches them (see build_row).

Parser = Callable[[object, str, bool], object]


def _choice(enum: type[StrEnum]) -> Parser:
    members = {member.value: member for member in enum}
    reason = "must be one of " + ", ".join(members)

    def parse(value: object, column: str, uk_dates: bool) -> object:
        text = cell_text(value).strip().upper()
        if text == "":
            return None
        member = members.get(text)
        if member is None:
            raise CellProblem(column, reason)
        return member

    return parse


def _yes_no(value: object, column: str, uk_dates: bool) -> bool | None:
    if isinstance(value, bool):
        return value
    text = cell_text(value).strip().upper()
    if text == "":
        return None
    if text in ("YES", "NO"):
        return text == "YES"
    raise CellProblem(column, "must be YES or NO (or empty)")


def _whole(low: int, high: int) -> Parser:
    reason = f"must be a whole number from {low} to {high}"

    def parse(value: object, column: str, uk_dates: bool) -> int | None:
        if isinstance(value, bool):
            raise CellProblem(column, reason)
        if isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        else:
            text = cell_text(value).strip()
            if text == "":
                return None
            if not (len(text) <= 6 and text.isascii() and text.isdigit()):
                raise CellProblem(column, reason)
            number = int(text)
        if not low <= number <= high:
            raise CellProblem(column, reason)
        return number

    return parse


def _text(value: object, column: str, max_length: int) -> str:
    if isinstance(value, (bool, datetime, date)):
        raise CellProblem(column, "must be text, not a date or TRUE/FALSE")
    text = cell_text(value)
    if len(text) > max_length:
        raise CellProblem(column, f"is too long (at most {max_length} characters)")
    return text


def _ref(value: object, column: str, uk_dates: bool) -> str:
    return _text(value, column, 32)


def _code(value: object, column: str, uk_dates: bool) -> str | None:
    return _text(value, column, 40) or None


def _goals(value: object, column: str, uk_dates: bool) -> tuple[VictimGoal, ...]:
    goals = []
    for part in _text(value, column, MAX_CELL_LENGTH).split(";"):
        code = part.strip().upper()
        if code:
            try:
                goals.append(VictimGoal(code))
            except ValueError:
                raise CellProblem(
                    column, "must be ;-separated goal codes such as BE_DA_FREE;STAY_IN_HOME"
                ) from None
    return tuple(goals)


def _outcome(value: object, column: str, uk_dates: bool) -> str | None:
    code = _text(value, column, 8).strip().upper()
    if code == "":
        return None
    if code not in OUTCOME_CODES:
        raise CellProblem(column, "must be a Home Office outcome code: 1, 1A, 2-18 or 20-22")
    return code


def _visit_id(value: object, column: str, uk_dates: bool) -> UUID | None:
    text = _text(value, column, 64).strip()
    if text == "":
        return None
    try:
        return UUID(text)
    except ValueError:
        raise CellProblem(column, "must be a UUID such as 7f29b67e-2e40-4463-be91-a4ab4dc4b0b9, or empty") from None


def _instant(value: object, column: str, uk_dates: bool) -> datetime | None:
    return parse_instant(value, column, uk_dates=uk_dates)


PARSERS: dict[str, Parser] = {
    "visit_id": _visit_id,
    "police_incident_ref": _ref,
    "bcu": _choice(Bcu),
    "district": _code,
    "police_visit_at": _instant,
    "idva_visit_at": _instant,
    "idva_support": _choice(SupportDecision),
    "prosecution_support": _choice(SupportDecision),
    "idva_code": _code,
    "visit_mode": _choice(VisitMode),
    "police_risk_grade": _choice(RiskGrade),
    "dash_score": _whole(0, 24),
    "marac_referral": _yes_no,
    **{column: _choice(ReferralDecision) for column in REFERRAL_COLUMNS},
    "repeat_victim": _yes_no,
    "repeat_suspect": _yes_no,
    "children_in_household": _whole(0, 30),
    "outcome_code": _outcome,
    "victim_goals": _goals,
}
"""One parser per stored column, in export order."""
_STORED = tuple(PARSERS)
assert _STORED == tuple(c for c in COLUMNS if c not in DERIVED)
_EMPTY: dict[str, object] = {column: None for column in _STORED} | {"police_incident_ref": "", "victim_goals": ()}
_MUST_HAVE_VALUE = ("police_incident_ref", "bcu", "police_visit_at")


def build_row(cells: Mapping[str, object], *, uk_dates: bool = False) -> TrackerRow:
    """A TrackerRow from raw cells keyed by column name, or :class:`CellProblem` for the first
    bad column in export order (the reason names the other bad columns too, so one pass of
    corrections is enough)."""
    values: dict[str, object] = {}
    problems: list[CellProblem] = []
    for column, raw in cells.items():
        parse = PARSERS.get(column)
        if parse is None:
            continue  # a derived column: recomputed, never read
        if raw is None or raw == "":
            values[column] = _EMPTY[column]
            continue
        if isinstance(raw, str) and len(raw) > MAX_CELL_LENGTH:
            problems.append(CellProblem(column, f"is too long (at most {MAX_CELL_LENGTH} characters)"))
            continue
        try:
            values[column] = parse(raw, column, uk_dates)
        except CellProblem as problem:
            problems.append(problem)
    for column in _MUST_HAVE_VALUE:
        if values.get(column) in ("", None) and all(p.column != column for p in problems):
            problems.append(CellProblem(column, "is required"))
    if not problems:
        police, idva = values["police_visit_at"], values.get("idva_visit_at")
        if idva is not None and idva < police:  # type: ignore[operator]
            problems.append(CellProblem("idva_visit_at", "the IDVA visit is before the police visit; check both dates"))
    if not problems:
        if values.get("visit_id") is None:
            values["visit_id"] = derive_visit_id(values["police_incident_ref"], values["police_visit_at"])  # type: ignore[arg-type]
        try:
            return TrackerRow.model_validate(values)
        except ValidationError as error:
            problems.extend(_from_validation(error))
    problems.sort(key=lambda p: _STORED.index(p.column) if p.column in _STORED else len(_STORED))
    first = problems[0]
    others = sorted({p.column for p in problems[1:]} - {first.column})
    if others:
        raise CellProblem(first.column, f"{first.reason} (also check: {', '.join(others)})")
    raise first


def _from_validation(error: ValidationError) -> list[CellProblem]:
    """Pydantic's errors, worded without the input value."""
    problems = []
    for item in error.errors(include_input=False, include_url=False, include_context=False):
        column = str(item["loc"][0]) if item["loc"] else "police_visit_at"
        message = str(item["msg"]).removeprefix("Value error, ")
        problems.append(CellProblem(column, message))
    return problems


def derived_disagreements(row: TrackerRow, cells: Mapping[str, object]) -> list[str]:
    """Derived columns present in the file whose value is not the recomputed one (an empty cell
    is not a disagreement: the spec only warns about a value that is there and wrong)."""
    expected = row.derived()
    wrong = []
    for column in DERIVED:
        raw = cells.get(column)
        if raw is None:
            continue
        if column == "hours_to_idva_visit" and isinstance(raw, (int, float)) and not isinstance(raw, bool):
            agrees = expected[column] != "" and abs(float(raw) - float(expected[column])) < 0.051
        else:
            text = cell_text(raw).strip().upper()
            if text == "":
                continue
            if column == "hours_to_idva_visit":
                agrees = _same_hours(text, expected[column])
            else:
                agrees = text == expected[column]
        if not agrees:
            wrong.append(column)
    return wrong


def _same_hours(text: str, expected: str) -> bool:
    if expected == "" or len(text) > 20:
        return False
    try:
        return abs(float(text) - float(expected)) < 0.051
    except ValueError:
        return False
