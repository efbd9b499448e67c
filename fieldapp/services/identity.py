"""Who this laptop's user is for allocation and "My cases": their staff code, never their name.

The staff code is what the tracker's ``idva_code`` column, the hub's device scope and case
allocation all use (a code such as ``IDVA01``), so it is what may leave the laptop; the user's
name stays inside the encrypted database (the audit log's actor). It is kept in the ``meta``
table: ``owner_staff_code`` as set in the create-vault wizard, ``fieldapp init --staff-code`` or
Settings, and once the laptop is enrolled the hub's (``sync.staff_code``), which then wins: the
hub sends this laptop the cases allocated to that code.
"""

from __future__ import annotations

from typing import Any

from fieldapp.domain.errors import UserFacingError
from fieldapp.domain.staff_code import MAX_STAFF_CODE, normalise_staff_code, staff_code_problem
from fieldapp.services.sync import state as sync_state
from fieldapp.store.store import Store
from fieldapp.store.uow import UnitOfWork

__all__ = [
    "MAX_STAFF_CODE",
    "StaffCodeRefused",
    "OWN_STAFF_CODE",
    "normalise_staff_code",
    "own_staff_code",
    "read_own_staff_code",
    "set_own_staff_code",
    "staff_code_problem",
    "staff_code_set_by_hub",
]

OWN_STAFF_CODE = "owner_staff_code"  # the meta key (inside the encrypted database)


class StaffCodeRefused(UserFacingError):
    """Not a staff code, or not this laptop's to change (the message says which)."""


def read_own_staff_code(db: Any) -> str:
    """The staff code on the DB-API connection ``db``: the hub's once enrolled, else the one set
    on this laptop, else ""."""
    if sync_state.is_enrolled(db):
        hub_code = sync_state.get(db, sync_state.STAFF_CODE) or ""
        if hub_code.strip():
            return normalise_staff_code(hub_code)
    return normalise_staff_code(sync_state.get(db, OWN_STAFF_CODE) or "")


def own_staff_code(*, store: Store) -> str:
    """This laptop's user's staff code ("" when none is known): one small read of ``meta``."""
    with store.uow(read_only=True) as uow:
        return read_own_staff_code(uow.dbapi())


def staff_code_set_by_hub(*, store: Store) -> bool:
    """Whether the staff code is the hub's (enrolled with one), so not this laptop's to change."""
    with store.uow(read_only=True) as uow:
        db = uow.dbapi()
        return sync_state.is_enrolled(db) and bool(
            (sync_state.get(db, sync_state.STAFF_CODE) or "").strip())


def set_own_staff_code(*, uow: UnitOfWork, code: str) -> str:
    """Record the user's staff code (the caller commits); returns it as stored.

    Refused when the laptop is enrolled with a code from the hub (the hub's decides what this
    laptop receives) or when ``code`` is not a staff code. Empty clears it."""
    problem = staff_code_problem(code)
    if problem:
        raise StaffCodeRefused(problem)
    db = uow.dbapi()
    if sync_state.is_enrolled(db) and (sync_state.get(db, sync_state.STAFF_CODE) or "").strip():
        raise StaffCodeRefused("This laptop is enrolled with the station hub, which set your "
                              "staff code; a coordinator changes it there.")
    value = normalise_staff_code(code)
    if value:
        sync_state.put(db, OWN_STAFF_CODE, value)
    else:
        sync_state.delete(db, OWN_STAFF_CODE)
    return value
