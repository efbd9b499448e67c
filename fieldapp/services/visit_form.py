"""Saving the whole case page at once: every section in one transaction, or nothing."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from fieldapp.domain import records as r
from fieldapp.domain.clock import utc_now
from fieldapp.services import capture, drafts, queries
from fieldapp.store.uow import UnitOfWork


class VisitForm(BaseModel):
    """What the case page holds when the user presses Save."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    visit: r.VisitIn
    offers: list[r.OfferIn] = Field(default_factory=list)
    referrals: list[r.ReferralIn] = Field(default_factory=list)
    risk: r.RiskIn | None = None
    new_voice: list[r.VoiceEntryIn] = Field(default_factory=list)
    safe_contact: r.SafeContactIn | None = None
    outcome: r.OutcomeIn | None = None


def save_visit_form(
    *, uow: UnitOfWork, case_id: UUID, form: VisitForm, visit_id: UUID | None = None,
    draft_key: str | None = None, justification: str = "", now: datetime | None = None,
) -> r.CaseOut:
    """Write every section, drop the draft, commit; any refusal leaves the database untouched."""
    now = now or utc_now()
    visit = capture.record_visit(uow=uow, case_id=case_id, visit=form.visit, visit_id=visit_id,
                                 justification=justification, now=now)
    capture.record_offers(uow=uow, visit_id=visit.visit_id, offers=form.offers,
                          referrals=form.referrals, replace=True, now=now)
    if form.risk is not None:
        capture.record_risk(uow=uow, visit_id=visit.visit_id, risk=form.risk, now=now)
    for entry in form.new_voice:
        capture.add_voice_entry(uow=uow, case_id=case_id, entry=entry, now=now)
    if form.safe_contact is not None:
        capture.record_safe_contact(uow=uow, case_id=case_id, contact=form.safe_contact, now=now)
    if form.outcome is not None:
        capture.record_outcome(uow=uow, case_id=case_id, outcome=form.outcome, now=now)
    if draft_key:
        drafts.discard_draft(uow=uow, key=draft_key)
    uow.session.flush()
    out = queries.get_case(uow=uow, case_id=case_id, purpose="case saved",
                          log_consultation=False)
    uow.commit()
    return out
