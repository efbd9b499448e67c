"""A case's safety-critical flags: do not contact, do not visit, risk grade, MARAC referral.

What the UI may rely on (the signatures are stable):

- ``case_flags(store=, case_id=) -> CaseFlagsOut``: the flags in force (None: not recorded).
  While a conflict of one is open, the restrictive value is the one shown here.
- ``set_flag(store=, case_id=, field=, value=, by=) -> CaseFlagsOut``: one flag changed, audited
  (field name only) and written to the outbox as a ``safety`` operation; setting the value it
  already has writes nothing. ``FlagRefused`` for an unknown field, a value of the wrong kind,
  a supervisor's (read-only) laptop, or a case not on this laptop.
- ``field_history(store=, case_id=) -> list[HistoryEntry]``: values that later ones replaced
  (last writer wins by clock; the loser is kept), as the hub's operations replay them.

Two devices changing one flag from the same base open a conflict (``fieldapp.services.sync.
conflicts``); the hub and every laptop holding the case see it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from fieldapp.domain.clock import utc_now
from fieldapp.domain.errors import UserFacingError
from fieldapp.services.sync import state
from fieldapp.store import Store
from fieldapp.store.audit import Action
from fieldapp.store.engine import utc_text
from sync.protocol import safety as rules


class FlagRefused(UserFacingError):
    """Not changed; the message says why (no case data in it)."""


class CaseFlagsOut(BaseModel):
    model_config = ConfigDict(frozen=True)
    case_id: UUID
    do_not_contact: bool | None = None
    do_not_visit: bool | None = None
    risk_grade: str | None = None
    marac_referral: bool | None = None


class HistoryEntry(BaseModel):
    model_config = ConfigDict(frozen=True)
    field: str
    field_label: str
    value: Any
    label: str
    by: str
    at: datetime


def _as_bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def _read(db: Any, case_id: UUID) -> CaseFlagsOut:
    row = db.execute("SELECT do_not_contact, do_not_visit, risk_grade, marac_referral "
                     "FROM case_flags WHERE case_id = ?", (str(case_id),)).fetchone()
    if row is None:
        return CaseFlagsOut(case_id=case_id)
    dnc, dnv, grade, marac = row
    return CaseFlagsOut(case_id=case_id, do_not_contact=_as_bool(dnc), do_not_visit=_as_bool(dnv),
                        risk_grade=grade, marac_referral=_as_bool(marac))


def case_flags(*, store: Store, case_id: UUID) -> CaseFlagsOut:
    with store.uow(read_only=True) as uow:
        return _read(uow.dbapi(), case_id)


def _checked(field: str, value: Any) -> Any:
    if field not in rules.FLAG_FIELDS:
        raise FlagRefused(f"'{field}' is not a safety flag: use one of "
                          + ", ".join(rules.FLAG_FIELDS))
    if field == "risk_grade":
        if value is not None and value not in rules.RISK_GRADES:
            raise FlagRefused("a risk grade is STANDARD, MEDIUM or HIGH")
        return value
    if value is not None and not isinstance(value, bool):
        raise FlagRefused(f"{rules.FIELD_LABELS[field]} is yes or no")
    return value


def set_flag(*, store: Store, case_id: UUID, field: str, value: Any, by: str,
             now: datetime | None = None) -> CaseFlagsOut:
    value = _checked(field, value)
    with store.uow(actor=by) as uow:
        db = uow.dbapi()
        if state.get(db, state.ROLE) == "supervisor":
            raise FlagRefused("a supervisor's laptop is read-only for case data")
        if db.execute("SELECT 1 FROM cases WHERE id = ?", (str(case_id),)).fetchone() is None:
            raise FlagRefused("that case is not on this laptop: sync, or check the reference")
        before = _read(db, case_id)
        if getattr(before, field) == value:
            return before
        stamp = utc_text(now or utc_now())
        stored = int(value) if isinstance(value, bool) else value
        db.execute(
            f"INSERT INTO case_flags (case_id, {field}, updated_at, updated_by) VALUES (?, ?, ?, ?)"
            f" ON CONFLICT (case_id) DO UPDATE SET {field} = excluded.{field},"
            " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            (str(case_id), stored, stamp, by))
        uow.audit(Action.ALTERATION, "case", case_id, fields=[field])
        uow.enqueue("safety", case_id, "upsert", {"field": field, "value": value})
        after = _read(db, case_id)
        uow.commit()
    return after


def field_history(*, store: Store, case_id: UUID) -> list[HistoryEntry]:
    with store.uow(read_only=True) as uow:
        rows = uow.dbapi().execute("SELECT field, value, by, at FROM field_history "
                                   "WHERE case_id = ? ORDER BY at, id", (str(case_id),)).fetchall()
    out = []
    for field, value, by, at in rows:
        old = json.loads(value).get("v")
        out.append(HistoryEntry(field=field, field_label=rules.FIELD_LABELS.get(field, field),
                                value=old, label=rules.value_label(field, old), by=by,
                                at=datetime.fromisoformat(at[:-1]).replace(tzinfo=UTC)))
    return out
