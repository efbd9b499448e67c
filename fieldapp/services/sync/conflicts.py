"""Conflicts of safety-critical fields on this laptop, and a person's resolution of one.

What the UI may rely on (the signatures are stable):

- ``open_conflicts(store=) -> list[ConflictView]``: every open conflict this laptop holds (from
  the hub's operations, pulled), oldest first. Each has at least two ``sides`` (value, words for
  it, who by staff code or device, when) and ``in_force``: the side applied until a person
  resolves it (the restrictive value; for safe-contact details the newest, both are shown).
- ``resolve_conflict(store=, conflict_id=, chosen_index=, reason=, by=) -> None``: keeps side
  ``chosen_index`` (0-based, as listed). ``reason`` is required: blank gives ``ValueError`` with
  words for the person; so does an index out of range. An unknown or already resolved conflict
  is ``NotFound``; a supervisor's laptop is refused (``ConflictRefused``: read-only). The choice
  is applied here at once, audited, and written to the outbox as a ``resolution`` operation,
  which clears the conflict at the hub and on every laptop holding the case.
- ``conflicted_case_ids(store=) -> set[UUID]``: cases with an open conflict (the board's flag).

Values never reach a log; labels never hold a person's name.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from fieldapp.domain.clock import utc_now
from fieldapp.domain.errors import NotFound, UserFacingError
from fieldapp.services.sync import state
from fieldapp.store import Store
from fieldapp.store.audit import Action
from fieldapp.store.engine import utc_text
from sync.protocol import safety as rules

SAFE_FIELDS = ("method", "safe_number", "safe_times", "voicemail_ok", "text_ok")


class ConflictRefused(UserFacingError):
    """This laptop may not resolve conflicts (a supervisor's is read-only)."""


class ConflictSide(BaseModel):
    model_config = ConfigDict(frozen=True)
    value: str | bool | None
    """The field's value; for safe-contact details the safe number (``label`` has them all)."""
    label: str
    by: str
    at: datetime


class ConflictView(BaseModel):
    model_config = ConfigDict(frozen=True)
    conflict_id: str
    case_id: UUID
    police_ref: str
    pseudonym: str
    field: str
    field_label: str
    sides: list[ConflictSide]
    in_force: ConflictSide
    opened_at: datetime


def _at(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _side(field: str, side: dict[str, Any]) -> ConflictSide:
    value = side.get("value")
    shown: str | bool | None
    if isinstance(value, dict):
        shown = str(value.get("safe_number", ""))
    elif isinstance(value, str | bool) or value is None:
        shown = value
    else:
        shown = str(value)
    return ConflictSide(value=shown, label=rules.value_label(field, value),
                        by=str(side.get("by") or "unknown device"), at=_at(side["at"]))


_OPEN_SQL = ("SELECT k.conflict_id, k.case_id, k.field, k.sides, k.in_force, k.opened_at, "
             "c.police_ref, c.pseudonym FROM sync_conflicts k JOIN cases c ON c.id = k.case_id "
             "WHERE k.state = 'open'")


def _view(row: tuple) -> ConflictView:
    conflict_id, case_id, field, sides, in_force, opened_at, police_ref, pseudonym = row
    return ConflictView(
        conflict_id=conflict_id, case_id=UUID(case_id), police_ref=police_ref,
        pseudonym=pseudonym, field=field, field_label=rules.FIELD_LABELS.get(field, field),
        sides=[_side(field, s) for s in json.loads(sides)],
        in_force=_side(field, json.loads(in_force)),
        opened_at=datetime.fromisoformat(opened_at[:-1]).replace(tzinfo=UTC))


def open_conflicts(*, store: Store) -> list[ConflictView]:
    with store.uow(read_only=True) as uow:
        rows = uow.dbapi().execute(_OPEN_SQL + " ORDER BY k.opened_at, k.conflict_id").fetchall()
    return [_view(row) for row in rows]


def conflict(*, store: Store, conflict_id: str) -> ConflictView:
    """One open conflict (NotFound if it is not open on this laptop)."""
    with store.uow(read_only=True) as uow:
        row = uow.dbapi().execute(_OPEN_SQL + " AND k.conflict_id = ?", (conflict_id,)).fetchone()
    if row is None:
        raise NotFound("there is no open conflict with that id on this laptop (it may have been "
                       "resolved already: sync to see)")
    return _view(row)


def conflicted_case_ids(*, store: Store) -> set[UUID]:
    with store.uow(read_only=True) as uow:
        rows = uow.dbapi().execute(
            "SELECT DISTINCT case_id FROM sync_conflicts WHERE state = 'open'").fetchall()
    return {UUID(case_id) for (case_id,) in rows}


def _put_value(db: Any, *, case_id: str, field: str, value: Any, now: datetime, by: str) -> None:
    stamp = utc_text(now)
    if field == rules.SAFE_CONTACT:
        values = [value.get(k) for k in SAFE_FIELDS]
        values[3], values[4] = int(bool(values[3])), int(bool(values[4]))
        db.execute(
            f"INSERT INTO safe_contacts (case_id, {', '.join(SAFE_FIELDS)}, created_at, created_by,"
            " updated_at, updated_by, row_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"
            " ON CONFLICT (case_id) DO UPDATE SET "
            + ", ".join(f"{k} = excluded.{k}" for k in SAFE_FIELDS)
            + ", updated_at = excluded.updated_at, updated_by = excluded.updated_by,"
              " row_version = safe_contacts.row_version + 1",
            (case_id, *values, stamp, by, stamp, by))
        return
    stored = int(value) if isinstance(value, bool) else value
    db.execute(
        f"INSERT INTO case_flags (case_id, {field}, updated_at, updated_by) VALUES (?, ?, ?, ?)"
        f" ON CONFLICT (case_id) DO UPDATE SET {field} = excluded.{field},"
        " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        (case_id, stored, stamp, by))


def resolve_conflict(*, store: Store, conflict_id: str, chosen_index: int, reason: str,
                     by: str, now: datetime | None = None) -> None:
    why = (reason or "").strip()
    if not why:
        raise ValueError("a reason is required: say why this value is the right one (it is kept "
                         "with the choice)")
    with store.uow(actor=by) as uow:
        db = uow.dbapi()
        if state.get(db, state.ROLE) == "supervisor":
            raise ConflictRefused("a supervisor's laptop is read-only: the IDVA or the "
                                  "coordinator resolves this conflict")
        row = db.execute("SELECT case_id, field, sides FROM sync_conflicts "
                         "WHERE conflict_id = ? AND state = 'open'", (conflict_id,)).fetchone()
        if row is None:
            raise NotFound("there is no open conflict with that id on this laptop (it may have "
                           "been resolved already: sync to see)")
        case_id, field, sides_text = row
        sides = json.loads(sides_text)
        if not isinstance(chosen_index, int) or not 0 <= chosen_index < len(sides):
            raise ValueError(f"choose one of the values listed: a number from 0 to {len(sides) - 1}")
        chosen = sides[chosen_index]
        when = now or utc_now()
        _put_value(db, case_id=case_id, field=field, value=chosen["value"], now=when, by=by)
        db.execute("UPDATE sync_conflicts SET state = 'resolved', resolved_at = ?, "
                   "resolved_by = ?, reason = ?, in_force = ? WHERE conflict_id = ?",
                   (utc_text(when), by, why, json.dumps(chosen), conflict_id))
        uow.audit(Action.ALTERATION, "case", case_id, fields=[field],
                  justification="conflict resolved")
        uow.enqueue("resolution", conflict_id, "upsert", {
            "conflict_id": conflict_id, "case_id": case_id, "field": field,
            "chosen": chosen["op_id"], "reason": why})
        # The field's version is the resolution now: a change made after it is not concurrent.
        op_id = db.execute("SELECT op_id FROM outbox WHERE entity = 'resolution' AND entity_id = ?"
                           " ORDER BY hlc DESC LIMIT 1", (conflict_id,)).fetchone()[0]
        db.execute("INSERT INTO field_versions (case_id, field, op_id) VALUES (?, ?, ?) "
                   "ON CONFLICT (case_id, field) DO UPDATE SET op_id = excluded.op_id",
                   (case_id, field, str(op_id)))
        uow.commit()
