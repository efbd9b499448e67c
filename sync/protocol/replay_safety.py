"""Last writer wins, and the safety-critical fields, for ``sync.protocol.replay`` (rules in
docs/sync-protocol.md "Conflicts" and ``sync.protocol.safety``): the handlers of the ``safety``
and ``resolution`` ops, and the change of a field that ``safe_contact`` and ``safety`` ops make.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sync.protocol import safety as rules
from sync.protocol.models import Op
from sync.protocol.replay_values import (
    SAFE_FIELDS,
    Row,
    _created,
    _Invalid,
    _opt_bool,
    _opt_str,
    _stamped,
    _str,
)

if TYPE_CHECKING:
    from sync.protocol.replay import _State


def _put_safe(s: _State, wanted: dict, at: datetime, by: str) -> None:
    if s.safe is None:
        s.safe = _created({"case_id": s.case_id, **wanted}, at, by)
    elif any(s.safe[k] != wanted[k] for k in SAFE_FIELDS):
        s.safe.update(wanted)
        _stamped(s.safe, at, by)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _side(op: Op, value: Any, at: datetime) -> Row:
    return {"op_id": op.op_id, "value": value, "by": op.author, "at": at.isoformat()}


def _replaced(s: _State, field_name: str, old: Row, by_op: str) -> None:
    s.history.append({"case_id": s.case_id, "field": field_name, "value": {"v": old["value"]},
                      "op_id": old["op_id"], "by": old["by"],
                      "at": datetime.fromisoformat(old["at"]), "replaced_by": by_op})


def _last_writer(s: _State, op: Op, field_name: str, value: Any, at: datetime) -> None:
    """An ordinary field: the op (later by clock than every one before it) wins; the value it
    replaces is kept in the history."""
    head = s.heads.get(field_name)
    if head is not None and head["value"] != value:
        _replaced(s, field_name, head, op.op_id)
    s.heads[field_name] = _side(op, value, at)


def _safety_change(s: _State, op: Op, field_name: str, value: Any, base: str | None,
                   at: datetime, put: Callable[[Any], None]) -> None:
    """A change of a safety-critical field. ``base``: the op the device last saw setting the
    field ('' for none; None for an op sealed before bases existed, applied in clock order).

    While a conflict of the field is open every change joins it as one more side. A change made
    from another base than the op now in force, to another value, opens a conflict of the two:
    both kept, the restrictive value applied. A change from another base to the same value
    agrees and leaves the field as it is."""
    side = _side(op, value, at)
    open_id = s.open_by_field.get(field_name)
    if open_id is not None:
        conflict = s.conflicts[open_id]
        conflict["sides"].append(side)
        conflict["in_force"] = rules.in_force(field_name, conflict["sides"])
        put(conflict["in_force"]["value"])
        return
    head = s.heads.get(field_name)
    if head is not None and base is not None and base != head["op_id"]:
        if value == head["value"]:
            return
        sides = [head, side]
        chosen = rules.in_force(field_name, sides)
        s.conflicts[op.op_id] = {
            "conflict_id": op.op_id, "case_id": s.case_id, "field": field_name,
            "state": "open", "sides": sides, "in_force": chosen, "opened_at": at,
            "resolved_at": None, "resolved_by": "", "reason": ""}
        s.open_by_field[field_name] = op.op_id
        put(chosen["value"])
        return
    if head is not None and head["value"] != value:
        _replaced(s, field_name, head, op.op_id)
    s.heads[field_name] = side
    put(value)


def _put_flag(s: _State, field_name: str, value: Any, at: datetime, by: str) -> None:
    if s.flags is None:
        s.flags = {"case_id": s.case_id, **dict.fromkeys(rules.FLAG_FIELDS), "updated_at": at,
                   "updated_by": by}
    s.flags[field_name] = value
    s.flags["updated_at"], s.flags["updated_by"] = at, by


def _flag_value(v: dict, field_name: str) -> Any:
    if field_name == "risk_grade":
        grade = _opt_str(v, "value")
        if grade is not None and grade not in rules.RISK_GRADES:
            raise _Invalid("not a risk grade")
        return grade
    return _opt_bool(v, "value")


def _safety(s: _State, op: Op, v: dict, at: datetime, by: str) -> None:
    """One safety flag of the case: ``{"field", "value", "base"}``."""
    field_name = _str(v, "field")
    if field_name not in rules.FLAG_FIELDS:
        raise _Invalid("not a safety flag")
    value = _flag_value(v, field_name)
    base = _opt_str(v, "base")
    s.need_case()
    _safety_change(s, op, field_name, value, base, at,
                   lambda chosen: _put_flag(s, field_name, chosen, at, by))


def _resolution(s: _State, op: Op, v: dict, at: datetime, by: str) -> None:
    """A person's choice in a conflict: ``{"conflict_id", "case_id", "field", "chosen" (the op
    id of the side kept), "reason"}``. The side's value is applied and the conflict closed; the
    other sides go to the history. A second resolution of a closed conflict changes nothing."""
    conflict = s.conflicts.get(_str(v, "conflict_id"))
    if conflict is None:
        raise _Invalid("no such conflict in the case")
    reason = _str(v, "reason")
    if conflict["state"] != "open":
        return
    field_name = conflict["field"]
    chosen = next((side for side in conflict["sides"] if side["op_id"] == _str(v, "chosen")), None)
    if chosen is None:
        raise _Invalid("the chosen value is not a side of the conflict")
    for side in conflict["sides"]:
        if side is not chosen:
            _replaced(s, field_name, side, op.op_id)
    conflict.update(state="resolved", resolved_at=at, resolved_by=by, reason=reason,
                    in_force=chosen)
    del s.open_by_field[field_name]
    s.heads[field_name] = _side(op, chosen["value"], at)
    if field_name == rules.SAFE_CONTACT:
        _put_safe(s, chosen["value"], at, by)
    else:
        _put_flag(s, field_name, chosen["value"], at, by)
