"""Reading cases: the board's pages and one whole case (an audited consultation)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import or_, select

from fieldapp.domain import records as r
from fieldapp.domain.clock import DUE_SOON, TARGET, utc_now
from fieldapp.domain.enums import Bcu, ClockState
from fieldapp.domain.errors import NotFound
from fieldapp.services import case_state
from fieldapp.store import orm
from fieldapp.store.audit import Action
from fieldapp.store.engine import utc_text
from fieldapp.store.uow import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class BoardFilter:
    allocated_to: str | None = None  # None: everyone's cases
    bcu: Bcu | None = None
    state: ClockState | None = None
    search: str = ""
    open_only: bool = False


# The board reads plain SQL so that each query can name its index: without statistics SQLite's
# choice between walking a board index in page order and scanning the table then sorting every
# match depends on the LIMIT value (a visited page completing a nearly full page of pending
# cases took the scan and sort: ~45 ms at 50,000 cases against ~5 ms). INDEXED BY also makes a
# renamed or dropped index fail loudly (tests) instead of quietly slowing the board.
_SUMMARY = ("SELECT id, police_ref, pseudonym, bcu, district, police_visit_at,"
            " first_idva_visit_at, allocated_to, status FROM cases")
_PENDING = "first_idva_visit_at IS NULL"
_VISITED = "first_idva_visit_at IS NOT NULL"
# Both indexes (migration 0004) lead with police_visit_at and hold every column a filter or a
# search tests, so those run on index entries and a table row is read for each case shown only.
_BY_PENDING = " INDEXED BY ix_cases_board_pending"  # partial: first_idva_visit_at IS NULL
_BY_TIME = " INDEXED BY ix_cases_board_by_time"
_ELAPSED_DAYS = "julianday(first_idva_visit_at) - julianday(police_visit_at)"
# Each state's clause and the thresholds it binds (before ``now`` by these amounts).
_STATE: dict[ClockState, tuple[str, tuple[timedelta, ...]]] = {
    ClockState.OVERDUE: (f"{_PENDING} AND police_visit_at <= ?", (TARGET,)),
    ClockState.DUE_SOON: (f"{_PENDING} AND police_visit_at > ? AND police_visit_at <= ?",
                          (TARGET, TARGET - DUE_SOON)),
    ClockState.ON_TIME: (f"{_PENDING} AND police_visit_at > ?", (TARGET - DUE_SOON,)),
    ClockState.MET: (f"{_VISITED} AND {_ELAPSED_DAYS} <= 1.0", ()),
    ClockState.MISSED: (f"{_VISITED} AND {_ELAPSED_DAYS} > 1.0", ()),
}


@dataclass(frozen=True)
class _Where:
    """A board filter as SQL terms and their parameters, in order (qmark style)."""

    terms: tuple[str, ...]
    params: tuple[str, ...]

    def sql(self, *more: str) -> str:
        terms = (*self.terms, *more)
        return f" WHERE {' AND '.join(terms)}" if terms else ""


def _where(flt: BoardFilter, now: datetime) -> _Where:
    terms: list[str] = []
    params: list[str] = []
    if flt.allocated_to is not None:
        # Staff codes compare as codes do, whatever case a sheet or a hand typed them in.
        terms.append("allocated_to = ? COLLATE NOCASE")
        params.append(flt.allocated_to)
    if flt.bcu is not None:
        terms.append("bcu = ?")
        # Bcu(...): a Qt combo hands its enum data back as a plain str, which has no .value.
        params.append(Bcu(flt.bcu).value)
    if flt.open_only:
        terms.append("status = 'OPEN'")
    text = flt.search.strip()
    if text:
        # SQLite's LIKE ignores case for ASCII letters and only for them, as its lower() lowers
        # only them: this matches exactly what lower(x) LIKE lower(p) matched.
        pattern = f"%{text.replace('%', '').replace('_', '')}%"
        terms.append("(police_ref LIKE ? OR pseudonym LIKE ?)")
        params += [pattern, pattern]
    if flt.state is not None:
        clause, befores = _STATE[ClockState(flt.state)]
        terms.append(f"({clause})")
        # Stored text compares in time order, bound as the column type (UtcDateTime) bound it.
        params += [utc_text(now - before) for before in befores]
    return _Where(tuple(terms), tuple(params))


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


def _rows(uow: UnitOfWork, sql: str, params: tuple[object, ...]) -> list[Sequence]:
    # Through SQLAlchemy's connection (not the raw cursor): bound values stay hidden in errors.
    return list(uow.session.connection().exec_driver_sql(sql, params))


def board_page(*, uow: UnitOfWork, flt: BoardFilter, offset: int = 0, limit: int = 200,
               now: datetime | None = None) -> list[r.CaseSummary]:
    """Cases awaiting their IDVA visit first, least time left first; then visited cases, the
    most recent police visit first (ties by id).

    Two index-ordered queries (one per group) rather than one sort over every row, so a page
    costs the same at 50,000 cases as at 500: each walks its index in page order, testing the
    filters on index entries, and stops at the page's last match.
    """
    where = _where(flt, now or utc_now())
    pending_total = None
    if offset:
        pending_total = _rows(uow, f"SELECT count(*) FROM cases{_BY_PENDING}"
                              f"{where.sql(_PENDING)}", where.params)[0][0]
    rows: list[Sequence] = []
    if pending_total is None or offset < pending_total:
        rows = _rows(uow, f"{_SUMMARY}{_BY_PENDING}{where.sql(_PENDING)}"
                     " ORDER BY police_visit_at, id LIMIT ? OFFSET ?",
                     (*where.params, limit, offset))
        if len(rows) == limit:
            return [_summary(row) for row in rows]
        pending_total = offset + len(rows)
    rows += _rows(uow, f"{_SUMMARY}{_BY_TIME}{where.sql(_VISITED)}"
                  " ORDER BY police_visit_at DESC, id LIMIT ? OFFSET ?",
                  (*where.params, limit - len(rows), max(0, offset - pending_total)))
    return [_summary(row) for row in rows]


def board_count(*, uow: UnitOfWork, flt: BoardFilter, now: datetime | None = None) -> int:
    """Cases matching ``flt``, counted on the board index's entries (no table row read)."""
    where = _where(flt, now or utc_now())
    return _rows(uow, f"SELECT count(*) FROM cases{_BY_TIME}{where.sql()}", where.params)[0][0]


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
