"""Reading cases: the board's pages and one whole case (an audited consultation)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import ColumnElement, Select, String, and_, func, or_, select, type_coerce
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression

from fieldapp.domain import records as r
from fieldapp.domain.clock import DUE_SOON, TARGET, utc_now
from fieldapp.domain.enums import Bcu, ClockState
from fieldapp.domain.errors import NotFound
from fieldapp.services import case_state
from fieldapp.store import orm
from fieldapp.store.audit import Action
from fieldapp.store.uow import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class BoardFilter:
    allocated_to: str | None = None  # None: everyone's cases
    bcu: Bcu | None = None
    state: ClockState | None = None
    search: str = ""
    open_only: bool = False


def _filtered(query: Select, flt: BoardFilter, now: datetime) -> Select:
    c = orm.Case
    if flt.allocated_to is not None:
        query = query.where(_unindexed(c.allocated_to) == flt.allocated_to)
    if flt.bcu is not None:
        query = query.where(_unindexed(c.bcu) == flt.bcu.value)
    if flt.open_only:
        query = query.where(c.status == "OPEN")
    text = flt.search.strip()
    if text:
        # SQLite's LIKE already ignores case for ASCII letters and only for them, as its lower()
        # lowers only them: so this matches exactly what lower(x) LIKE lower(p) matched, without
        # two function calls per row and column.
        pattern = f"%{text.replace('%', '').replace('_', '')}%"
        query = query.where(or_(c.police_ref.like(pattern), c.pseudonym.like(pattern)))
    if flt.state is not None:
        query = query.where(_state_clause(flt.state, now))
    return query


def _unindexed(column: ColumnElement[str]) -> ColumnElement[str]:
    """``+column``: the same value, but SQLite will not pick the column's own index for it.

    An IDVA's cases are a sixth of the board; read through ix_cases_allocated_to they cost a
    table row each and a sort, where the board indexes test the column on their entries in page
    order and stop at the page's last row.
    """
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


def _state_clause(state: ClockState, now: datetime):
    c = orm.Case
    pending = c.first_idva_visit_at.is_(None)
    overdue_before = now - TARGET
    due_soon_before = now - (TARGET - DUE_SOON)
    elapsed_days = func.julianday(c.first_idva_visit_at) - func.julianday(c.police_visit_at)
    return {
        ClockState.OVERDUE: and_(pending, c.police_visit_at <= overdue_before),
        ClockState.DUE_SOON: and_(pending, c.police_visit_at > overdue_before,
                                  c.police_visit_at <= due_soon_before),
        ClockState.ON_TIME: and_(pending, c.police_visit_at > due_soon_before),
        ClockState.MET: and_(~pending, elapsed_days <= 1.0),
        ClockState.MISSED: and_(~pending, elapsed_days > 1.0),
    }[state]


def _summary_columns() -> Select:
    """The board's columns as stored text: decoding 200 rows' times with strptime through the
    column types cost more than the query itself."""
    c = orm.Case
    return select(*(type_coerce(col, String) for col in (
        c.id, c.police_ref, c.pseudonym, c.bcu, c.district, c.police_visit_at,
        c.first_idva_visit_at, c.allocated_to, c.status)))


def _when(stored: str | None) -> datetime | None:
    """A stored UtcDateTime ('2026-11-27T17:46:00.000000Z') as the aware UTC datetime the column
    type would give (fromisoformat reads the 'Z' as UTC)."""
    return None if stored is None else datetime.fromisoformat(stored)


def _summary(row: Sequence[str | None]) -> r.CaseSummary:
    case_id, police_ref, pseudonym, bcu, district, police_at, idva_at, allocated_to, status = row
    return r.CaseSummary(
        case_id=UUID(case_id), police_ref=police_ref, pseudonym=pseudonym, bcu=bcu,
        district=district, police_visit_at=_when(police_at), idva_visit_at=_when(idva_at),
        allocated_to=allocated_to, status=status,
    )


def board_page(*, uow: UnitOfWork, flt: BoardFilter, offset: int = 0, limit: int = 200,
               now: datetime | None = None) -> list[r.CaseSummary]:
    """Cases awaiting their IDVA visit first, least time left first; then visited cases, the
    most recent police visit first.

    Two index-ordered queries (one per group) rather than one sort over every row, so a page
    costs the same at 50,000 cases as at 500. The two board indexes (migration 0004) hold every
    column a filter or a search tests, so a search walks index entries in board order, stops at
    the page's last match, and reads table rows for the matches only.
    """
    now = now or utc_now()
    c = orm.Case
    pending = _filtered(_summary_columns(), flt, now).where(c.first_idva_visit_at.is_(None))
    pending_total = uow.session.execute(
        pending.with_only_columns(func.count()).order_by(None)).scalar_one() if offset else None
    rows: list[Sequence[str | None]] = []
    if pending_total is None or offset < pending_total:
        rows = list(uow.session.execute(pending.order_by(c.police_visit_at, c.id)
                                        .offset(offset).limit(limit)))
        if len(rows) == limit:
            return [_summary(row) for row in rows]
        pending_total = offset + len(rows)
    visited = _filtered(_summary_columns(), flt, now).where(c.first_idva_visit_at.is_not(None))
    rows += uow.session.execute(visited.order_by(c.police_visit_at.desc(), c.id)
                                .offset(max(0, offset - pending_total)).limit(limit - len(rows)))
    return [_summary(row) for row in rows]


def board_count(*, uow: UnitOfWork, flt: BoardFilter, now: datetime | None = None) -> int:
    query = _filtered(select(func.count()).select_from(orm.Case), flt, now or utc_now())
    return uow.session.execute(query).scalar_one()


def get_case(*, uow: UnitOfWork, case_id: UUID, purpose: str = "case opened",
             log_consultation: bool = True) -> r.CaseOut:
    """The whole case; opening it is a consultation, so it is logged (and the caller commits)."""
    out = case_state.case_out(case_state.load(uow.dbapi(), case_id))
    if log_consultation:
        uow.audit(Action.CONSULTATION, "case", case_id, justification=purpose)
    return out


def find_case_id(*, uow: UnitOfWork, reference: str) -> UUID:
    """A case by its id, pseudonym or police reference (what people type at a prompt)."""
    text = reference.strip()
    try:
        if uow.session.get(orm.Case, UUID(text)) is not None:
            return UUID(text)
    except ValueError:
        pass
    found = uow.session.scalars(
        select(orm.Case.id).where(or_(orm.Case.pseudonym == text.upper(), orm.Case.police_ref == text))
    ).all()
    if len(found) != 1:
        raise NotFound(f"no single case matches that reference ({len(found)} found)")
    return found[0]


def recent_cutoff(days: int, now: datetime | None = None) -> datetime:
    return (now or utc_now()) - timedelta(days=days)
