"""Recording use cases: incident, allocation, visit, offers, risk, voice, safe contact, outcome.

Each function does its rows, its audit entry and its outbox operation inside the caller's unit of
work; the caller commits once per user action.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from fieldapp.domain import records as r
from fieldapp.domain.clock import utc_now
from fieldapp.domain.errors import NotFound, Problem, RecordInvalid
from fieldapp.domain.rules import check_visit_after_police
from fieldapp.services import convert
from fieldapp.store import orm
from fieldapp.store.audit import Action
from fieldapp.store.uow import UnitOfWork

REFERRAL = convert.REFERRAL


def pseudonym_for(case_id: UUID) -> str:
    return f"C-{case_id.hex[:6].upper()}"


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


def _one_per_case(uow: UnitOfWork, model: type, case_id: UUID) -> tuple[Any, bool]:
    """The case's row of a one-per-case table (safe contact, outcome), added if missing."""
    row = uow.session.get(model, case_id)
    if row is None:
        row = model(case_id=case_id)
        uow.session.add(row)
        return row, True
    return row, False


def _visit(uow: UnitOfWork, visit_id: UUID) -> orm.Visit:
    row = uow.session.get(orm.Visit, visit_id)
    if row is None:
        raise NotFound("that visit is not on this laptop")
    return row


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
    case_id = case_id or uuid.uuid4()
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


def record_visit(
    *, uow: UnitOfWork, case_id: UUID, visit: r.VisitIn, visit_id: UUID | None = None,
    justification: str = "", now: datetime | None = None,
) -> r.VisitOut:
    """Fill the case's pending visit (or the one named); a later call on it is an amendment."""
    now = now or utc_now()
    case = _case(uow, case_id)
    check_visit_after_police(police_visit_at=case.police_visit_at, idva_visit_at=visit.idva_visit_at)
    row = _visit(uow, visit_id) if visit_id else next(
        (v for v in case.visits if v.idva_visit_at is None), None
    )
    new = row is None
    if row is None:
        row = orm.Visit(id=uuid.uuid4(), case_id=case.id)
        uow.session.add(row)
    elif row.case_id != case.id:
        raise RecordInvalid([Problem("visit", "that visit belongs to another case")])
    amended = row.idva_visit_at is not None
    data = visit.model_dump()
    changed = [k for k, v in data.items() if getattr(row, k, None) != v]
    for key, value in data.items():
        setattr(row, key, value)
    _stamp(row, uow, now, new=new)
    uow.session.flush()
    refresh_first_visit(case)
    _stamp(case, uow, now, new=False)
    action = Action.ALTERATION if amended else Action.COLLECTION
    uow.audit(action, "visit", row.id, fields=changed, justification=justification)
    uow.enqueue("visit", row.id, "upsert", {"case_id": str(case.id), **visit.model_dump(mode="json")})
    return convert.visit_out(row)


def record_offers(
    *, uow: UnitOfWork, visit_id: UUID, offers: list[r.OfferIn] = (),  # type: ignore[assignment]
    referrals: list[r.ReferralIn] = (),  # type: ignore[assignment]
    replace: bool = False, now: datetime | None = None,
) -> r.VisitOut:
    """Record decisions; with ``replace`` the given ones are the whole set and any other
    recorded decision is removed (the person cleared it on the form), which is audited too."""
    now = now or utc_now()
    visit = _visit(uow, visit_id)
    existing = {(o.offer_type, o.target): o for o in visit.offers}
    wanted: dict[tuple[str, str], tuple[str, str | None]] = {}
    for offer in offers:
        wanted[(offer.offer_type.value, "")] = (offer.status.value, _val(offer.decline_reason))
    for ref in referrals:
        wanted[(REFERRAL, ref.target.value)] = (ref.status.value, _val(ref.decline_reason))
    changed: list[str] = []
    for key, (status, reason) in wanted.items():
        row = existing.get(key)
        if row is None:
            row = orm.Offer(visit_id=visit.id, offer_type=key[0], target=key[1])
            visit.offers.append(row)
            _stamp(row, uow, now, new=True)
        elif (row.status, row.decline_reason) == (status, reason):
            continue
        else:
            _stamp(row, uow, now, new=False)
        row.status, row.decline_reason = status, reason
        changed.append(key[1].lower() or key[0].lower())
    if replace:
        for key, row in existing.items():
            if key not in wanted:
                visit.offers.remove(row)
                changed.append(key[1].lower() or key[0].lower())
    if changed:
        uow.session.flush()
        uow.audit(Action.ALTERATION, "visit", visit.id, fields=[f"offer:{c}" for c in changed])
        uow.enqueue("offers", visit.id, "upsert", {
            "offers": [o.model_dump(mode="json") for o in offers],
            "referrals": [x.model_dump(mode="json") for x in referrals],
        })
    return convert.visit_out(visit)


def _val(value: Any) -> Any:
    return None if value is None else getattr(value, "value", value)


def record_risk(*, uow: UnitOfWork, visit_id: UUID, risk: r.RiskIn, now: datetime | None = None
                ) -> r.RiskOut:
    now = now or utc_now()
    visit = _visit(uow, visit_id)
    row = visit.risk
    new = row is None
    if row is None:
        row = orm.RiskAssessment(visit_id=visit.id)
        visit.risk = row
    row.answers = [a.value for a in risk.answers]
    row.yes_count = risk.yes_count
    row.professional_judgement = risk.professional_judgement
    row.rationale = risk.rationale
    row.da_events_12m = risk.da_events_12m
    row.repeat_within_12m = risk.repeat_within_12m
    row.marac_referral = risk.marac_referral
    _stamp(row, uow, now, new=new)
    uow.session.flush()
    uow.audit(Action.COLLECTION if new else Action.ALTERATION, "risk", visit.id,
              fields=["answers", "professional_judgement", "rationale", "marac_referral"])
    uow.enqueue("risk", visit.id, "upsert", risk.model_dump(mode="json"))
    out = convert.risk_out(row)
    assert out is not None
    return out


def add_voice_entry(*, uow: UnitOfWork, case_id: UUID, entry: r.VoiceEntryIn,
                    now: datetime | None = None) -> r.VoiceEntryOut:
    """Append the victim's words; earlier entries are never changed, only corrected by new ones."""
    case = _case(uow, case_id)
    if entry.corrects is not None:
        target = uow.session.get(orm.VoiceEntry, entry.corrects)
        if target is None or target.case_id != case.id:
            raise RecordInvalid([Problem("corrects", "the entry being corrected is not in this case")])
    row = orm.VoiceEntry(
        id=uuid.uuid4(), case_id=case.id, words=entry.words, verbatim=entry.verbatim,
        goals=[g.value for g in entry.goals], consent_to_share=_val(entry.consent_to_share),
        consent_scope=[s.value for s in entry.consent_scope], corrects=entry.corrects,
        recorded_at=now or utc_now(), recorded_by=uow.actor,
    )
    uow.session.add(row)
    uow.session.flush()
    uow.audit(Action.COLLECTION, "voice", row.id,
              fields=["words", "goals", "consent_to_share"] + (["corrects"] if entry.corrects else []))
    uow.enqueue("voice", row.id, "append", {"case_id": str(case.id), **entry.model_dump(mode="json")})
    return convert.voice_out(row)


def record_safe_contact(*, uow: UnitOfWork, case_id: UUID, contact: r.SafeContactIn,
                        now: datetime | None = None) -> r.SafeContactOut:
    now = now or utc_now()
    case = _case(uow, case_id)
    row, new = _one_per_case(uow, orm.SafeContact, case.id)
    data = contact.model_dump()
    data["method"] = contact.method.value
    changed = [k for k, v in data.items() if getattr(row, k, None) != v]
    for key, value in data.items():
        setattr(row, key, value)
    _stamp(row, uow, now, new=new)
    uow.session.flush()
    if changed:
        uow.audit(Action.COLLECTION if new else Action.ALTERATION, "safe_contact", case.id,
                  fields=changed)
        uow.enqueue("safe_contact", case.id, "upsert", contact.model_dump(mode="json"))
    return r.SafeContactOut(**contact.model_dump())


def record_outcome(*, uow: UnitOfWork, case_id: UUID, outcome: r.OutcomeIn,
                   now: datetime | None = None) -> r.OutcomeOut:
    now = now or utc_now()
    case = _case(uow, case_id)
    row, new = _one_per_case(uow, orm.Outcome, case.id)
    row.outcome_code, row.outcome_date = outcome.outcome_code.upper(), outcome.outcome_date
    _stamp(row, uow, now, new=new)
    uow.session.flush()
    uow.audit(Action.COLLECTION if new else Action.ALTERATION, "outcome", case.id,
              fields=["outcome_code", "outcome_date"])
    uow.enqueue("outcome", case.id, "upsert", outcome.model_dump(mode="json"))
    return r.OutcomeOut(outcome_code=row.outcome_code, outcome_date=row.outcome_date)
