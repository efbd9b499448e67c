"""Recording use cases: a new incident, allocation, and the victim's words.

Each function does its rows, its audit entry and its outbox operation inside the caller's unit of
work; the caller commits once per user action. The case page's sections (visit, decisions, risk,
voice, safe contact, outcome) are written by ``visit_write.CaseWriter`` and saved together by
``visit_form.save_visit_form``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from fieldapp.domain import records as r
from fieldapp.domain.clock import utc_now
from fieldapp.domain.errors import NotFound
from fieldapp.services import convert
from fieldapp.services.visit_write import CaseWriter
from fieldapp.store import orm
from fieldapp.store.audit import Action
from fieldapp.store.uow import UnitOfWork


def pseudonym_for(case_id: UUID) -> str:
    return f"C-{case_id.hex[:6].upper()}"


def unused_case_id(*, taken: Callable[[str], bool],
                   draw: Callable[[], UUID] = uuid.uuid4) -> UUID:
    """A random case id whose pseudonym no case on this laptop has yet.

    The pseudonym is 24 bits of the id: left to chance, 50,000 cases would hold about 75 pairs
    sharing one, and people find and speak of cases by it.
    """
    while True:
        case_id = draw()
        if not taken(pseudonym_for(case_id)):
            return case_id


def _pseudonym_taken(uow: UnitOfWork) -> Callable[[str], bool]:
    db = uow.dbapi()
    return lambda pseudonym: db.execute(
        "SELECT 1 FROM cases WHERE pseudonym = ?", (pseudonym,)).fetchone() is not None


def _stamp(row: Any, uow: UnitOfWork, now: datetime, *, new: bool) -> None:
    if new:
        row.created_at, row.created_by, row.row_version = now, uow.actor, 1
    else:
        row.row_version = (row.row_version or 0) + 1
    row.updated_at, row.updated_by = now, uow.actor


def _case(uow: UnitOfWork, case_id: UUID) -> orm.Case:
    row = uow.session.get(orm.Case, case_id)
    if row is None:
        raise NotFound("that case is not on this laptop")
    return row


def refresh_first_visit(case: orm.Case) -> None:
    """Keep the board's denormalised first IDVA visit time in step with the case's visits."""
    firsts = [v.idva_visit_at for v in case.visits if v.idva_visit_at is not None]
    case.first_idva_visit_at = min(firsts) if firsts else None


def create_incident(
    *, uow: UnitOfWork, incident: r.IncidentIn, case_id: UUID | None = None,
    visit_id: UUID | None = None, now: datetime | None = None,
) -> r.CaseSummary:
    """A police incident with its case and an empty first visit whose clock starts now."""
    now = now or utc_now()
    inc = orm.Incident(
        id=uuid.uuid4(), police_ref=incident.police_ref, bcu=incident.bcu,
        district=incident.district.upper(), police_visit_at=incident.police_visit_at,
        officers=list(incident.officers),
    )
    _stamp(inc, uow, now, new=True)
    case_id = case_id or unused_case_id(taken=_pseudonym_taken(uow))
    case = orm.Case(
        id=case_id, incident_id=inc.id, pseudonym=pseudonym_for(case_id),
        victim_name=incident.victim_name, allocated_to=incident.allocated_to, status="OPEN",
        police_ref=inc.police_ref, bcu=inc.bcu, district=inc.district,
        police_visit_at=inc.police_visit_at, first_idva_visit_at=None,
    )
    _stamp(case, uow, now, new=True)
    visit = orm.Visit(id=visit_id or uuid.uuid4(), case_id=case.id, idva_code="", note="")
    _stamp(visit, uow, now, new=True)
    uow.session.add_all([inc, case, visit])
    uow.session.flush()
    fields = sorted(k for k, v in incident.model_dump().items() if v not in ("", [], None))
    uow.audit(Action.COLLECTION, "case", case.id, fields=fields)
    uow.enqueue("incident", inc.id, "upsert", incident.model_dump(mode="json"))
    uow.enqueue("case", case.id, "upsert", {"incident_id": str(inc.id), "visit_id": str(visit.id),
                                             "allocated_to": case.allocated_to})
    return convert.summary_out(case)


def allocate(*, uow: UnitOfWork, case_id: UUID, idva_code: str, now: datetime | None = None
             ) -> r.CaseSummary:
    case = _case(uow, case_id)
    case.allocated_to = idva_code.strip()
    _stamp(case, uow, now or utc_now(), new=False)
    uow.audit(Action.ALTERATION, "case", case.id, fields=["allocated_to"])
    uow.enqueue("case", case.id, "upsert", {"allocated_to": case.allocated_to})
    return convert.summary_out(case)


def add_voice_entry(*, uow: UnitOfWork, case_id: UUID, entry: r.VoiceEntryIn,
                    now: datetime | None = None) -> r.VoiceEntryOut:
    """Append the victim's words; earlier entries are never changed, only corrected by new ones."""
    writer = CaseWriter.open(uow=uow, case_id=case_id, now=now or utc_now())
    row = writer.voice(entry=entry)
    writer.finish()
    return r.VoiceEntryOut(case_id=case_id, **row)


def record_safe_contact(*, uow: UnitOfWork, case_id: UUID, contact: r.SafeContactIn,
                        now: datetime | None = None) -> r.SafeContactOut:
    """How to reach the victim safely; saving it unchanged writes and logs nothing."""
    writer = CaseWriter.open(uow=uow, case_id=case_id, now=now or utc_now())
    writer.safe_contact(contact=contact)
    writer.finish()
    return r.SafeContactOut(**contact.model_dump())
