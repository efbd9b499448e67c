"""Allocating a case to an IDVA (a coordinator's action), and the staff codes to pick from.

What the UI may rely on (the signatures are stable):

- ``allocate_case(store=, case_id=, to_staff_code=, by=) -> CaseAllocated``: one transaction with
  the case row, an audit row (field names only) and an outbox operation (``case`` upsert with
  ``allocated_to``, so it syncs like any case edit). Raises ``AllocationRefused`` (a
  ``UserFacingError``; its message says what to do) when this laptop is not a coordinator's, the
  staff code is malformed, or the case is not on this laptop or is closed. Allocating a case to
  the code it already has changes and logs nothing (``changed`` is False).
- ``staff_codes_known(store=) -> list[str]``: sorted, distinct codes seen in cases, visits and
  this laptop's enrolment, for a picker.
- ``laptop_role(store=) -> str``: the role the hub enrolled this laptop with (or, before
  enrolment, the vault's own role).

The hub is the authority: it refuses an allocation from any device not enrolled as a
coordinator's (docs/sync-protocol.md "Allocation"), so this check is the polite early form of it.
"""

from __future__ import annotations

import re
from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from fieldapp.domain.clock import utc_now
from fieldapp.domain.enums import Role
from fieldapp.domain.errors import NotFound, UserFacingError
from fieldapp.services import capture
from fieldapp.services.sync import state
from fieldapp.store import Store

STAFF_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{1,39}")
"""A staff code as the hub enrols it: 2-40 capitals, digits, '-' or '_' (e.g. IDVA01)."""


class AllocationRefused(UserFacingError):
    """Not allocated; the message says why and what to do (no case data in it)."""


class CaseAllocated(BaseModel):
    model_config = ConfigDict(frozen=True)
    case_id: UUID
    police_ref: str
    pseudonym: str
    allocated_to: str
    previously: str
    changed: bool
    at: datetime


def laptop_role(*, store: Store) -> str:
    with store.uow(read_only=True) as uow:
        db = uow.dbapi()
        role = state.get(db, state.ROLE)
        if role is None:
            role = state.get(db, "owner_role")
    return role or ""


def normalise_code(code: str) -> str:
    """The staff code in its stored form, or AllocationRefused naming the rule."""
    cleaned = (code or "").strip().upper()
    if not STAFF_CODE.fullmatch(cleaned):
        raise AllocationRefused(
            "that is not a staff code: use the IDVA's code as the hub enrolled it (2 to 40 "
            "letters, digits, '-' or '_', e.g. IDVA01)")
    return cleaned


def allocate_case(*, store: Store, case_id: UUID, to_staff_code: str, by: str,
                  now: datetime | None = None) -> CaseAllocated:
    code = normalise_code(to_staff_code)
    if laptop_role(store=store) != Role.COORDINATOR:
        raise AllocationRefused(
            "only a coordinator's laptop can allocate cases (the station hub would refuse it "
            "from this one); ask the coordinator to allocate it")
    when = now or utc_now()
    with store.uow(actor=by) as uow:
        row = uow.dbapi().execute("SELECT police_ref, pseudonym, allocated_to, status FROM cases "
                                  "WHERE id = ?", (str(case_id),)).fetchone()
        if row is None:
            raise AllocationRefused("that case is not on this laptop: sync, or check the "
                                    "reference")
        police_ref, pseudonym, previously, status = row
        if status != "OPEN":
            raise AllocationRefused("that case is closed, so it cannot be allocated; reopen it "
                                    "first if work on it continues")
        changed = previously != code
        if changed:
            try:
                capture.allocate(uow=uow, case_id=case_id, idva_code=code, now=when)
            except NotFound as exc:  # removed between the read and the write
                raise AllocationRefused(str(exc)) from None
            uow.commit()
    return CaseAllocated(case_id=case_id, police_ref=police_ref, pseudonym=pseudonym,
                         allocated_to=code, previously=previously, changed=changed, at=when)


_CODES_SQL = ("SELECT allocated_to FROM cases WHERE allocated_to <> '' UNION "
              "SELECT idva_code FROM visits WHERE idva_code <> ''")


def staff_codes_known(*, store: Store) -> list[str]:
    with store.uow(read_only=True) as uow:
        db = uow.dbapi()
        codes = {c for (c,) in db.execute(_CODES_SQL)}
        own = state.get(db, state.STAFF_CODE)
    if own:
        codes.add(own)
    return sorted(c for c in codes if STAFF_CODE.fullmatch(c))
