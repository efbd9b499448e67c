"""ORM rows to pydantic records: the UI and reports never see a live ORM object."""

from __future__ import annotations

from fieldapp.domain import records as r
from fieldapp.domain.enums import OfferType
from fieldapp.store import orm

REFERRAL = "REFERRAL"


def offer_out(row: orm.Offer) -> r.OfferOut:
    return r.OfferOut(offer_type=row.offer_type, status=row.status, decline_reason=row.decline_reason)


def referral_out(row: orm.Offer) -> r.ReferralOut:
    return r.ReferralOut(target=row.target, status=row.status, decline_reason=row.decline_reason)


def risk_out(row: orm.RiskAssessment | None) -> r.RiskOut | None:
    if row is None or row.answers is None:
        return None
    return r.RiskOut(
        answers=row.answers, yes_count=row.yes_count,
        professional_judgement=row.professional_judgement, rationale=row.rationale,
        da_events_12m=row.da_events_12m, repeat_within_12m=row.repeat_within_12m,
        marac_referral=row.marac_referral, assessed_at=row.updated_at,
    )


def visit_out(row: orm.Visit) -> r.VisitOut:
    offers = [o for o in row.offers if o.offer_type != REFERRAL]
    referrals = [o for o in row.offers if o.offer_type == REFERRAL]
    order = list(OfferType)
    return r.VisitOut(
        visit_id=row.id, case_id=row.case_id, idva_visit_at=row.idva_visit_at, mode=row.mode,
        idva_code=row.idva_code, safe_to_talk=row.safe_to_talk,
        suspect_location=row.suspect_location, children_in_household=row.children_in_household,
        encompass_notified=row.encompass_notified, police_risk_grade=row.police_risk_grade,
        repeat_victim=row.repeat_victim, repeat_suspect=row.repeat_suspect, note=row.note,
        offers=[offer_out(o) for o in sorted(offers, key=lambda o: order.index(OfferType(o.offer_type)))],
        referrals=[referral_out(o) for o in sorted(referrals, key=lambda o: o.target)],
        risk=risk_out(row.risk), updated_at=row.updated_at,
    )


def voice_out(row: orm.VoiceEntry) -> r.VoiceEntryOut:
    return r.VoiceEntryOut(
        entry_id=row.id, case_id=row.case_id, words=row.words, verbatim=row.verbatim,
        goals=row.goals, consent_to_share=row.consent_to_share, consent_scope=row.consent_scope,
        corrects=row.corrects, recorded_at=row.recorded_at, recorded_by=row.recorded_by,
    )


def summary_out(row: orm.Case) -> r.CaseSummary:
    return r.CaseSummary(
        case_id=row.id, police_ref=row.police_ref, pseudonym=row.pseudonym, bcu=row.bcu,
        district=row.district, police_visit_at=row.police_visit_at,
        idva_visit_at=row.first_idva_visit_at, allocated_to=row.allocated_to, status=row.status,
    )


def case_out(
    row: orm.Case, *, voice: list[orm.VoiceEntry], safe: orm.SafeContact | None,
    outcome: orm.Outcome | None,
) -> r.CaseOut:
    return r.CaseOut(
        case_id=row.id, incident_id=row.incident_id, police_ref=row.police_ref,
        pseudonym=row.pseudonym, victim_name=row.victim_name, bcu=row.bcu, district=row.district,
        police_visit_at=row.police_visit_at, officers=row.incident.officers,
        allocated_to=row.allocated_to, status=row.status,
        visits=[visit_out(v) for v in row.visits],
        voice=[voice_out(v) for v in voice],
        safe_contact=None if safe is None else r.SafeContactOut(
            method=safe.method, safe_number=safe.safe_number, safe_times=safe.safe_times,
            voicemail_ok=safe.voicemail_ok, text_ok=safe.text_ok,
        ),
        outcome=None if outcome is None else r.OutcomeOut(
            outcome_code=outcome.outcome_code, outcome_date=outcome.outcome_date
        ),
    )
