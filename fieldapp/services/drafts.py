"""Autosaved drafts of open forms, kept in the encrypted database (never in a loose file)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from fieldapp.domain.clock import utc_now
from fieldapp.store import orm
from fieldapp.store.uow import UnitOfWork


def save_draft(*, uow: UnitOfWork, key: str, payload: dict, now: datetime | None = None) -> None:
    row = uow.session.get(orm.Draft, key)
    if row is None:
        uow.session.add(orm.Draft(key=key, payload=payload, saved_at=now or utc_now()))
    else:
        row.payload, row.saved_at = payload, now or utc_now()


def load_draft(*, uow: UnitOfWork, key: str) -> dict | None:
    row = uow.session.get(orm.Draft, key)
    return None if row is None else dict(row.payload)


def discard_draft(*, uow: UnitOfWork, key: str) -> None:
    row = uow.session.get(orm.Draft, key)
    if row is not None:
        uow.session.delete(row)


def list_drafts(*, uow: UnitOfWork) -> list[tuple[str, datetime]]:
    rows = uow.session.execute(select(orm.Draft.key, orm.Draft.saved_at).order_by(orm.Draft.saved_at))
    return [(key, at) for key, at in rows]
