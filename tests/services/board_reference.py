"""The board query as it was before migration 0004, kept as the reference the new one must match:
ORM rows through the column types, ``lower(x) LIKE lower(p)``, the planner's own index choice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select

from fieldapp.domain.clock import DUE_SOON, TARGET
from fieldapp.domain.enums import ClockState
from fieldapp.domain.records import CaseSummary
from fieldapp.services import convert
from fieldapp.services.queries import BoardFilter
from fieldapp.store import orm


def _filtered(query: Select, flt: BoardFilter, now: datetime) -> Select:
    c = orm.Case
    if flt.allocated_to is not None:
        query = query.where(c.allocated_to == flt.allocated_to)
    if flt.bcu is not None:
        query = query.where(c.bcu == flt.bcu.value)
    if flt.open_only:
        query = query.where(c.status == "OPEN")
    typed = flt.search.strip()
    if typed:
        pattern = f"%{typed.replace('%', '').replace('_', '')}%"
        query = query.where(or_(c.police_ref.ilike(pattern), c.pseudonym.ilike(pattern)))
    if flt.state is not None:
        pending = c.first_idva_visit_at.is_(None)
        overdue_before, due_soon_before = now - TARGET, now - (TARGET - DUE_SOON)
        elapsed = func.julianday(c.first_idva_visit_at) - func.julianday(c.police_visit_at)
        query = query.where({
            ClockState.OVERDUE: and_(pending, c.police_visit_at <= overdue_before),
            ClockState.DUE_SOON: and_(pending, c.police_visit_at > overdue_before,
                                      c.police_visit_at <= due_soon_before),
            ClockState.ON_TIME: and_(pending, c.police_visit_at > due_soon_before),
            ClockState.MET: and_(~pending, elapsed <= 1.0),
            ClockState.MISSED: and_(~pending, elapsed > 1.0),
        }[flt.state])
    return query


def old_board(uow, flt: BoardFilter, now: datetime) -> list[CaseSummary]:
    """Every matching case in the old board order: pending by police visit, then visited by
    police visit, most recent first; ties by id."""
    c = orm.Case
    pending = uow.session.scalars(_filtered(select(c), flt, now)
                                  .where(c.first_idva_visit_at.is_(None))
                                  .order_by(c.police_visit_at, c.id))
    visited = uow.session.scalars(_filtered(select(c), flt, now)
                                  .where(c.first_idva_visit_at.is_not(None))
                                  .order_by(c.police_visit_at.desc(), c.id))
    return [convert.summary_out(row) for row in [*pending, *visited]]
