"""Synthetic, plainly fictional cases so the app can be tried without real data.

Names are drawn from an obviously invented list and every police reference starts with DEMO-,
the mark :mod:`fieldapp.services.demo_removal` removes them by.
Gaps and decisions follow the shape of the evaluation (most visits within a day; acceptance
higher for quicker visits and earlier in the day) so the board and dashboard look like a service.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from fieldapp.domain import records as r
from fieldapp.domain.clock import LONDON, utc_now
from fieldapp.domain.demo import DEMO_PREFIX
from fieldapp.domain.enums import (
    DISTRICTS,
    Bcu,
    ConsentToShare,
    DeclineReason,
    EncompassNotified,
    OfferStatus,
    OfferType,
    ReferralTarget,
    RiskAnswer,
    RiskGrade,
    SafeContactMethod,
    SafeToTalk,
    SuspectLocation,
    VictimGoal,
    VisitMode,
)
from fieldapp.domain.risk import QUESTION_COUNT
from fieldapp.services import capture, visit_form
from fieldapp.store.uow import UnitOfWork

FIRST = ("Ash", "Bryn", "Cal", "Dee", "Eden", "Fern", "Gale", "Hollis", "Indy", "Jules", "Kit",
         "Lark", "Marlo", "Nico", "Oak", "Pip", "Quill", "Rowan", "Sky", "Tam", "Vale", "Wren")
LAST = ("Example", "Sample", "Fictional", "Testcase", "Madeup", "Placeholder", "Pretend")
IDVAS = ("IDVA01", "IDVA02", "IDVA03", "IDVA04")
BCU_DISTRICTS = {Bcu.WEST: ("BLACKPOOL", "FYLDE", "WYRE"), Bcu.EAST: ("OTHER",),
                 Bcu.SOUTH: ("LANCASTER", "MORECAMBE")}


def _gap_hours(rng: random.Random) -> float:
    roll = rng.random()
    if roll < 0.65:
        return rng.uniform(1, 24)
    if roll < 0.9:
        return rng.uniform(24.5, 168)
    return rng.uniform(169, 400)


def _visit_time(rng: random.Random, police_at: datetime, gap: float) -> datetime:
    at = police_at + timedelta(hours=gap)
    local = at.astimezone(LONDON)
    if local.hour < 8:  # IDVAs mostly visit in working hours
        at += timedelta(hours=8 - local.hour + rng.uniform(0, 2))
    return at


def _decision(rng: random.Random, accept_p: float) -> OfferStatus:
    roll = rng.random()
    if roll < accept_p:
        return OfferStatus.ACCEPTED
    return OfferStatus.DECLINED if roll < accept_p + (1 - accept_p) * 0.7 else OfferStatus.UNDECIDED


def fill_demo(*, uow: UnitOfWork, cases: int = 200, me: str | None = "IDVA01",
              seed: int | None = None, now: datetime | None = None) -> int:
    """Create ``cases`` fictional cases over the last six months; the newest are still pending.

    ``me`` is the user's staff code (never a name: allocations leave the laptop in the tracker's
    idva_code); with None, "their" cases go to the fictional IDVA codes too."""
    rng = random.Random(seed)
    now = now or utc_now()
    pending = max(3, cases // 20)
    for i in range(cases):
        bcu = rng.choice(list(Bcu))
        district = rng.choice(BCU_DISTRICTS[bcu]) if bcu in BCU_DISTRICTS else rng.choice(DISTRICTS)
        if i < pending:
            police_at = now - timedelta(hours=rng.uniform(1, 30))
        else:
            police_at = now - timedelta(days=rng.uniform(2, 180), hours=rng.uniform(0, 23))
        allocated = me if me and (i < pending or rng.random() < 0.3) else rng.choice(IDVAS)
        summary = capture.create_incident(uow=uow, now=now, incident=r.IncidentIn(
            police_ref=f"{DEMO_PREFIX}{police_at:%Y%m%d}-{i:05d}", bcu=bcu, district=district,
            police_visit_at=police_at, officers=[f"PC{rng.randint(1000, 9999)}"],
            victim_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} (demo)", allocated_to=allocated,
        ))
        if i < pending:
            continue
        gap = _gap_hours(rng)
        visit_at = min(_visit_time(rng, police_at, gap), now)
        quick = gap <= 24
        hour = visit_at.astimezone(LONDON).hour
        accept_p = (0.91 if quick else 0.80) - (0.08 if hour >= 16 else 0)
        idva_status = _decision(rng, accept_p)
        pros_status = _decision(rng, 0.45 if hour < 12 else 0.3)
        children = rng.choice((0, 0, 1, 2, 3))
        answers = [RiskAnswer.YES if rng.random() < 0.4 else rng.choice(
            (RiskAnswer.NO, RiskAnswer.NO, RiskAnswer.DONT_KNOW)) for _ in range(QUESTION_COUNT)]
        form = visit_form.VisitForm(
            visit=r.VisitIn(
                idva_visit_at=visit_at, mode=rng.choice((VisitMode.JOINT, VisitMode.JOINT,
                                                          VisitMode.IDVA_ONLY, VisitMode.PHONE)),
                idva_code=allocated, safe_to_talk=rng.choice(list(SafeToTalk)),
                suspect_location=rng.choice(list(SuspectLocation)), children_in_household=children,
                encompass_notified=EncompassNotified.YES if children else EncompassNotified.NOT_APPLICABLE,
                police_risk_grade=rng.choice(list(RiskGrade)), repeat_victim=rng.random() < 0.3,
                repeat_suspect=rng.random() < 0.35, note="Demo visit note (fictional).",
            ),
            offers=[
                r.OfferIn(offer_type=OfferType.IDVA_SUPPORT, status=idva_status,
                          decline_reason=DeclineReason.NOT_READY if idva_status is OfferStatus.DECLINED else None),
                r.OfferIn(offer_type=OfferType.PROSECUTION_SUPPORT, status=pros_status,
                          decline_reason=DeclineReason.NO_POLICE_INVOLVEMENT_WANTED
                          if pros_status is OfferStatus.DECLINED else None),
            ],
            referrals=[r.ReferralIn(target=t, status=rng.choice(
                (OfferStatus.OFFERED, OfferStatus.ACCEPTED, OfferStatus.DECLINED)))
                for t in rng.sample(list(ReferralTarget)[:5], k=rng.randint(0, 2))],
            risk=r.RiskIn(answers=answers, marac_referral=sum(a is RiskAnswer.YES for a in answers) >= 14),
            new_voice=[r.VoiceEntryIn(
                words="Demo words: wants to feel safe at home (fictional).", verbatim=False,
                goals=rng.sample(list(VictimGoal), k=rng.randint(1, 2)),
                consent_to_share=ConsentToShare.YES)],
            safe_contact=r.SafeContactIn(method=SafeContactMethod.PHONE,
                                         safe_number=f"07700 900{rng.randint(100, 999)}",
                                         safe_times="Weekdays 10-12", text_ok=True),
            outcome=r.OutcomeIn(outcome_code=rng.choice(("1", "2", "8", "14", "15", "16", "21")))
            if rng.random() < 0.8 else None,
        )
        # save_visit_form commits; keep each case its own transaction so a huge demo is resumable.
        visit_form.save_visit_form(uow=uow, case_id=summary.case_id, form=form, now=now)
    uow.commit()
    return cases
