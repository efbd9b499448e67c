"""The vault's visits as tracker v1 rows: the one projection that export and the KPIs share.

Built with a handful of set-based queries rather than one ORM load per visit, so 100,000 visits
project in seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from uuid import UUID

from sqlalchemy import select

from fieldapp.domain.enums import OfferStatus
from fieldapp.store import orm
from fieldapp.store.uow import UnitOfWork
from fieldapp.tracker import ReferralDecision, SupportDecision, TrackerRow

REFERRAL_COLUMN = {
    "REFUGE": "ref_refuge", "HOUSING": "ref_housing", "MENTAL_HEALTH": "ref_mental_health",
    "DRUG_ALCOHOL": "ref_drug_alcohol", "CHILDRENS_SOCIAL_CARE": "ref_childrens_social_care",
}
COLUMN_REFERRAL = {v: k for k, v in REFERRAL_COLUMN.items()}

_SUPPORT = {
    OfferStatus.ACCEPTED: SupportDecision.ACCEPTED, OfferStatus.DECLINED: SupportDecision.DECLINED,
    OfferStatus.UNDECIDED: SupportDecision.UNDECIDED, OfferStatus.OFFERED: SupportDecision.UNDECIDED,
    OfferStatus.NOT_OFFERED: SupportDecision.NOT_OFFERED,
}
_REFERRAL = {
    OfferStatus.ACCEPTED: ReferralDecision.ACCEPTED, OfferStatus.DECLINED: ReferralDecision.DECLINED,
    OfferStatus.OFFERED: ReferralDecision.OFFERED, OfferStatus.UNDECIDED: ReferralDecision.OFFERED,
}
BATCH = 2000


def tracker_rows(*, uow: UnitOfWork, visit_ids: list[UUID] | None = None) -> Iterator[TrackerRow]:
    """Every visit (or the named ones) as a TrackerRow, in police-visit order."""
    c, v = orm.Case, orm.Visit
    query = select(v.id).join(c, v.case_id == c.id).order_by(c.police_visit_at, v.id)
    if visit_ids is not None:
        query = query.where(v.id.in_(visit_ids))
    ids = list(uow.session.scalars(query))
    for start in range(0, len(ids), BATCH):
        yield from _batch(uow, ids[start:start + BATCH])


def _batch(uow: UnitOfWork, ids: list[UUID]) -> Iterator[TrackerRow]:
    s = uow.session
    c, v = orm.Case, orm.Visit
    visits = s.execute(select(v, c).join(c, v.case_id == c.id).where(v.id.in_(ids))).all()
    by_id = {visit.id: (visit, case) for visit, case in visits}
    case_ids = list({case.id for _, case in visits})
    offers: dict[UUID, list[orm.Offer]] = defaultdict(list)
    for offer in s.scalars(select(orm.Offer).where(orm.Offer.visit_id.in_(ids))):
        offers[offer.visit_id].append(offer)
    risks = {r.visit_id: r for r in s.scalars(
        select(orm.RiskAssessment).where(orm.RiskAssessment.visit_id.in_(ids)))}
    extras = {e.visit_id: e for e in s.scalars(
        select(orm.TrackerExtra).where(orm.TrackerExtra.visit_id.in_(ids)))}
    outcomes = {o.case_id: o.outcome_code for o in s.scalars(
        select(orm.Outcome).where(orm.Outcome.case_id.in_(case_ids)))}
    goals: dict[UUID, list[str]] = {}
    for entry in s.scalars(select(orm.VoiceEntry).where(orm.VoiceEntry.case_id.in_(case_ids))
                           .order_by(orm.VoiceEntry.recorded_at)):
        if entry.goals:
            goals[entry.case_id] = entry.goals  # the latest entry with goals wins
    for visit_id in ids:
        if visit_id not in by_id:
            continue
        visit, case = by_id[visit_id]
        yield _row(visit, case, offers[visit_id], risks.get(visit_id), extras.get(visit_id),
                   outcomes.get(case.id), goals.get(case.id, []))


def _row(visit: orm.Visit, case: orm.Case, offers: list[orm.Offer], risk: orm.RiskAssessment | None,
         extra: orm.TrackerExtra | None, outcome: str | None, goals: list[str]) -> TrackerRow:
    data: dict = {
        "visit_id": visit.id, "police_incident_ref": case.police_ref, "bcu": case.bcu,
        "district": case.district or None, "police_visit_at": case.police_visit_at,
        "idva_visit_at": visit.idva_visit_at, "idva_code": visit.idva_code or case.allocated_to or None,
        "visit_mode": visit.mode, "police_risk_grade": visit.police_risk_grade,
        "repeat_victim": visit.repeat_victim, "repeat_suspect": visit.repeat_suspect,
        "children_in_household": visit.children_in_household, "outcome_code": outcome,
        "victim_goals": tuple(extra.victim_goals) if extra and extra.victim_goals else tuple(goals),
    }
    if risk is not None and risk.answers is not None:
        data["dash_score"], data["marac_referral"] = risk.yes_count, risk.marac_referral
    elif extra is not None:
        data["dash_score"], data["marac_referral"] = extra.dash_score, extra.marac_referral
    for offer in offers:
        status = OfferStatus(offer.status)
        if offer.offer_type == "IDVA_SUPPORT":
            data["idva_support"] = _SUPPORT[status]
        elif offer.offer_type == "PROSECUTION_SUPPORT":
            data["prosecution_support"] = _SUPPORT[status]
        elif offer.offer_type == "REFERRAL" and offer.target in REFERRAL_COLUMN:
            data[REFERRAL_COLUMN[offer.target]] = _REFERRAL.get(status)
    return TrackerRow.model_validate(data)
