"""Reading cases: the board's pages and one whole case (an audited consultation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import Select, and_, func, or_, select

from fieldapp.domain import records as r
from fieldapp.domain.clock import DUE_SOON, TARGET, utc_now
from fieldapp.domain.enums import Bcu, ClockState
from fieldapp.domain.errors import NotFound
from fieldapp.services import convert
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
        query = query.where(c.allocated_to == flt.allocated_to)
    if flt.bcu is not None:
        query = query.where(c.bcu == flt.bcu.value)
    if flt.open_only:
        query = query.where(c.status == "OPEN")
    text = flt.search.strip()
    if text:
        pattern = f"%{text.replace('%', '').replace('_', '')}%"
        query = query.where(or_(c.police_ref.ilike(pattern), c.pseudonym.ilike(pattern)))
    if flt.state is not None:
        query = query.where(_state_clause(flt.state, now))
    return query


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


def board_page(*, uow: UnitOfWork, flt: BoardFilter, offset: int = 0, limit: int = 200,
               now: datetime | None = None) -> list[r.CaseSummary]:
    """Cases awaiting their IDVA visit first, least time left first; then visited cases, the
    most recent police visit first.

    Two index-ordered queries (one per group) rather than one sort over every row, so a page
    costs the same at 50,000 cases as at 500.
    """
    now = now or utc_now()
    c = orm.Case
    # With a search, walking the time index would visit and decrypt every row in time order to
    # find a few matches; sorting the matches instead is cheaper (an expression is never served
    # by the index, so SQLite scans once and sorts in memory).
    when = func.coalesce(c.police_visit_at, "") if flt.search.strip() else c.police_visit_at
    pending = _filtered(select(c), flt, now).where(c.first_idva_visit_at.is_(None))
    pending_total = uow.session.execute(
        pending.with_only_columns(func.count()).order_by(None)).scalar_one() if offset else None
    rows: list[orm.Case] = []
    if pending_total is None or offset < pending_total:
        rows = list(uow.session.scalars(pending.order_by(when, c.id)
                                        .offset(offset).limit(limit)))
        if len(rows) == limit:
            return [convert.summary_out(row) for row in rows]
        pending_total = offset + len(rows)
    visited = _filtered(select(c), flt, now).where(c.first_idva_visit_at.is_not(None))
    rows += uow.session.scalars(visited.order_by(when.desc(), c.id)
                                .offset(max(0, offset - pending_total)).limit(limit - len(rows)))
    return [convert.summary_out(row) for row in rows]


def board_count(*, uow: UnitOfWork, flt: BoardFilter, now: datetime | None = None) -> int:
    query = _filtered(select(func.count()).select_from(orm.Case), flt, now or utc_now())
    return uow.session.execute(query).scalar_one()


def get_case(*, uow: UnitOfWork, case_id: UUID, purpose: str = "case opened",
             log_consultation: bool = True) -> r.CaseOut:
    """The whole case; opening it is a consultation, so it is logged (and the caller commits)."""
    case = uow.session.get(orm.Case, case_id)
    if case is None:
        raise NotFound("that case is not on this laptop")
    voice = list(uow.session.scalars(
        select(orm.VoiceEntry).where(orm.VoiceEntry.case_id == case_id)
        .order_by(orm.VoiceEntry.recorded_at)
    ))
    out = convert.case_out(
        case, voice=voice, safe=uow.session.get(orm.SafeContact, case_id),
        outcome=uow.session.get(orm.Outcome, case_id),
    )
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
