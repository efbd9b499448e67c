"""The board's sync marks, read in a worker: which cases have changes the hub has not yet
acknowledged (outbox rows not 'acked', ``services.sync.ops.pending_case_ids``) and which have an
open conflict (``services.sync.conflicts.conflicted_case_ids``)."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from fieldapp.services.sync import ops
from fieldapp.store.uow import UnitOfWork

MARK_UNSYNCED = "unsynced"
MARK_CONFLICT = "conflict"

UowFactory = Callable[..., UnitOfWork]


def read_marks(factory: UowFactory, case_ids: list[UUID]) -> dict[UUID, frozenset[str]]:
    """The sync marks of ``case_ids``: outbox rows not yet acked, and open conflicts."""
    ids = [str(c) for c in case_ids]
    with factory(read_only=True) as uow:
        unsynced = ops.pending_case_ids(uow.dbapi(), ids)
    conflicted = _conflicted(factory)
    marks: dict[UUID, frozenset[str]] = {}
    for case_id in case_ids:
        found = set()
        if str(case_id) in unsynced:
            found.add(MARK_UNSYNCED)
        if str(case_id) in conflicted:
            found.add(MARK_CONFLICT)
        marks[case_id] = frozenset(found)
    return marks


def _conflicted(factory: UowFactory) -> set[str]:
    try:
        from fieldapp.services.sync import conflicts
    except ImportError:  # conflict detection not in this build
        return set()
    store = getattr(factory, "__self__", None)
    store = getattr(store, "store", store)  # AppContext.uow or Store.uow
    if store is None:
        return set()
    return {str(c) for c in conflicts.conflicted_case_ids(store=store)}
