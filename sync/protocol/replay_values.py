"""Reading an op's value for replay (``sync.protocol.replay``): each value's type checked (the
hub only checked the op's envelope), and the row stamps the laptop's writers put on a row. An
unreadable value raises ``_Invalid``, which never quotes the value."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

Row = dict[str, Any]
SAFE_FIELDS = ("method", "safe_number", "safe_times", "voicemail_ok", "text_ok")
_CANONICAL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class _Invalid(ValueError):
    """An op's value cannot be applied (never quotes the value)."""


_MISSING = object()


def _get(v: dict, key: str, default: Any = _MISSING) -> Any:
    if key in v:
        return v[key]
    if default is _MISSING:
        raise _Invalid(f"no {key}")
    return default


def _str(v: dict, key: str, default: Any = _MISSING) -> str:
    value = _get(v, key, default)
    if not isinstance(value, str):
        raise _Invalid(f"{key} is not text")
    return value


def _opt_str(v: dict, key: str) -> str | None:
    value = v.get(key)
    if value is not None and not isinstance(value, str):
        raise _Invalid(f"{key} is not text")
    return value


def _bool(v: dict, key: str, default: Any = _MISSING) -> bool:
    value = _get(v, key, default)
    if not isinstance(value, bool):
        raise _Invalid(f"{key} is not true or false")
    return value


def _opt_bool(v: dict, key: str) -> bool | None:
    value = v.get(key)
    if value is not None and not isinstance(value, bool):
        raise _Invalid(f"{key} is not true or false")
    return value


def _int(v: dict, key: str, default: Any = _MISSING) -> int:
    value = _get(v, key, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Invalid(f"{key} is not a whole number")
    return value


def _opt_int(v: dict, key: str) -> int | None:
    value = v.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise _Invalid(f"{key} is not a whole number")
    return value


def _strs(v: dict, key: str) -> list[str]:
    value = v.get(key, [])
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise _Invalid(f"{key} is not a list of text")
    return list(value)


def _instant(v: dict, key: str) -> datetime:
    value = _str(v, key)
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise _Invalid(f"{key} is not a date and time") from None
    if at.tzinfo is None:
        raise _Invalid(f"{key} has no time zone")
    return at.astimezone(UTC)


def _opt_instant(v: dict, key: str) -> datetime | None:
    return None if v.get(key) is None else _instant(v, key)


def _opt_date(v: dict, key: str) -> date | None:
    value = _opt_str(v, key)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Invalid(f"{key} is not a date") from None


def _uuid_text(v: dict, key: str) -> str:
    value = _str(v, key)
    if _CANONICAL_ID.fullmatch(value):  # as the laptop writes ids: no need to parse them
        return value
    try:
        return str(UUID(value))
    except ValueError:
        raise _Invalid(f"{key} is not an id") from None


def _created(row: Row, at: datetime, by: str) -> Row:
    row.update(created_at=at, created_by=by, updated_at=at, updated_by=by, row_version=1)
    return row


def _stamped(row: Row, at: datetime, by: str) -> None:
    row["updated_at"], row["updated_by"] = at, by
    row["row_version"] += 1
