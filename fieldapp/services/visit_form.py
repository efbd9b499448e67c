"""Saving the whole case page at once: every section in one transaction, or nothing."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from fieldapp.domain import records as r
from fieldapp.domain.clock import utc_now
from fieldapp.services import case_state
from fieldapp.services.visit_write import CaseWriter
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
    """Write every section, drop the draft, commit; any refusal leaves the database untouched.

    Returns the case as opening it again would show it.
    """
    writer = CaseWriter.open(uow=uow, case_id=case_id, now=now or utc_now())
    visit = writer.visit(visit=form.visit, visit_id=visit_id, justification=justification)
    writer.offers(visit=visit, offers=form.offers, referrals=form.referrals)
    if form.risk is not None:
        writer.risk(visit=visit, risk=form.risk)
    for entry in form.new_voice:
        writer.voice(entry=entry)
    if form.safe_contact is not None:
        writer.safe_contact(contact=form.safe_contact)
    if form.outcome is not None:
        writer.outcome(outcome=form.outcome)
    if draft_key:
        writer.discard_draft(draft_key)
    writer.finish()
    out = case_state.case_out(writer.state)
    uow.commit()
    return out
