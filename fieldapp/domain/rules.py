"""Cross-record rules and the translation of pydantic errors into messages a person can act on."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from fieldapp.domain import clock
from fieldapp.domain.errors import Problem, RecordInvalid

_FRIENDLY = {
    "string_too_short": "is required",
    "missing": "is required",
    "string_too_long": "is too long (at most {max_length} characters)",
    "too_long": "has too many entries (at most {max_length})",
    "too_short": "needs at least {min_length} entries",
    "enum": "must be one of the listed choices",
    "literal_error": "must be one of the listed choices",
    "datetime_parsing": "is not a date and time",
    "datetime_from_date_parsing": "is not a date and time",
    "greater_than_equal": "must be {ge} or more",
    "less_than_equal": "must be {le} or less",
    "int_parsing": "must be a whole number",
    "string_pattern_mismatch": "has characters that are not allowed here",
    "extra_forbidden": "is not a field of this record",
}


def problems_from(error: ValidationError) -> list[Problem]:
    """Friendly problems from a pydantic error, never quoting the rejected value."""
    problems = []
    for item in error.errors(include_input=False, include_url=False):
        field = ".".join(str(p) for p in item["loc"]) or "record"
        template = _FRIENDLY.get(item["type"])
        if template is not None:
            message = template.format(**(item.get("ctx") or {}))
        else:
            message = str(item["msg"]).removeprefix("Value error, ")
        problems.append(Problem(field=field, message=message))
    return problems


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: dict) -> M:
    """Build a record or raise :class:`RecordInvalid` with one problem per field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RecordInvalid(problems_from(exc)) from None


def check_visit_after_police(*, police_visit_at: datetime, idva_visit_at: datetime) -> None:
    if clock.as_utc(idva_visit_at) < clock.as_utc(police_visit_at):
        raise RecordInvalid(
            [Problem("idva_visit_at", "the IDVA visit cannot be before the police visit")]
        )
