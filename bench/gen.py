"""Deterministic test data for the benchmarks and the reliability suite."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from pathlib import Path

COLUMNS = (
    "visit_id", "police_incident_ref", "bcu", "district", "police_visit_at", "idva_visit_at",
    "idva_support", "prosecution_support", "idva_code", "visit_mode", "police_risk_grade",
    "dash_score", "marac_referral", "ref_refuge", "ref_housing", "ref_mental_health",
    "ref_drug_alcohol", "ref_childrens_social_care", "repeat_victim", "repeat_suspect",
    "children_in_household", "outcome_code", "victim_goals",
)
DECISIONS = ("ACCEPTED", "ACCEPTED", "ACCEPTED", "DECLINED", "UNDECIDED", "NOT_OFFERED", "")
REFERRALS = ("", "", "", "OFFERED", "ACCEPTED", "DECLINED")
DISTRICTS = {"WEST": ("BLACKPOOL", "FYLDE", "WYRE"), "EAST": ("BURNLEY", "HYNDBURN"),
             "SOUTH": ("LANCASTER", "MORECAMBE")}
GOALS = ("BE_DA_FREE", "STAY_IN_HOME", "NO_POLICE_INVOLVEMENT", "SUPPORT_ONLY", "PROSECUTION", "")
OUTCOMES = ("1", "1A", "2", "8", "14", "15", "16", "21", "", "")


def tracker_csv(path: Path, rows: int, *, seed: int = 7, bad_every: int = 997,
                ref_prefix: str = "LC") -> int:
    """Write a tracker v1 CSV of ``rows`` data rows with every column filled as a real sheet
    would be. Every ``bad_every``-th row has an unknown BCU (rejected on import). Returns the
    number of good rows."""
    rng = random.Random(seed)
    start = datetime(2021, 4, 1, 6, 0)
    good = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("# OFFICIAL-SENSITIVE - Operation Provide tracker v1 - generated for benchmarks\r\n")
        out.write(",".join(COLUMNS) + "\r\n")
        for i in range(rows):
            police = start + timedelta(minutes=7 * i + rng.randint(0, 5))
            visited = rng.random() > 0.08
            idva = police + timedelta(minutes=rng.choice((90, 600, 1300, 2000, 6000, 12000)) + rng.randint(0, 59))
            bad = bad_every and i % bad_every == bad_every - 1
            bcu = "NORTH" if bad else rng.choice(("WEST", "EAST", "SOUTH"))
            district = rng.choice(DISTRICTS.get(bcu, ("OTHER",)))
            goals = ";".join(g for g in {rng.choice(GOALS), rng.choice(GOALS)} if g)
            cells = (
                str(uuid.UUID(int=rng.getrandbits(128), version=4)), f"{ref_prefix}-{police:%Y%m%d}-{i:06d}",
                bcu, district, f"{police:%Y-%m-%dT%H:%M}", f"{idva:%Y-%m-%dT%H:%M}" if visited else "",
                rng.choice(DECISIONS), rng.choice(DECISIONS), f"IDVA{rng.randint(1, 12):02d}",
                rng.choice(("JOINT", "JOINT", "IDVA_ONLY", "PHONE", "NO_CONTACT")),
                rng.choice(("STANDARD", "MEDIUM", "HIGH")), str(rng.randint(0, 24)),
                rng.choice(("YES", "NO", "NO", "")),
                *(rng.choice(REFERRALS) for _ in range(5)),
                rng.choice(("YES", "NO", "")), rng.choice(("YES", "NO", "")), str(rng.randint(0, 4)),
                rng.choice(OUTCOMES), goals,
            )
            out.write(",".join(cells) + "\r\n")
            good += not bad
    return good


def complete_form(now: datetime, *, n: int = 0, marker: str = "", risk_marker: str = ""):
    """A VisitForm with every section filled, as an IDVA saves it after a full visit."""
    from fieldapp.domain import records as r
    from fieldapp.domain.enums import RiskAnswer
    from fieldapp.services.visit_form import VisitForm

    answers = [RiskAnswer.YES if (i + n) % 3 == 0 else RiskAnswer.NO for i in range(24)]
    tag = f" {marker}" if marker else ""
    return VisitForm(
        visit=r.VisitIn(
            idva_visit_at=now - timedelta(minutes=30), mode="JOINT", idva_code="IDVA01",
            safe_to_talk="YES", suspect_location="IN_CUSTODY", children_in_household=2,
            encompass_notified="YES", police_risk_grade="MEDIUM", repeat_victim=True,
            repeat_suspect=False,
            note=f"Visit {n}: spoke with her in the kitchen while the officer waited outside.{tag} " * 4),
        offers=[r.OfferIn(offer_type="IDVA_SUPPORT", status="ACCEPTED"),
                r.OfferIn(offer_type="PROSECUTION_SUPPORT", status="DECLINED",
                          decline_reason="FEAR_OF_REPRISAL")],
        referrals=[r.ReferralIn(target="HOUSING", status="OFFERED"),
                   r.ReferralIn(target="CHILDRENS_SOCIAL_CARE", status="ACCEPTED")],
        risk=r.RiskIn(answers=answers, professional_judgement=True,
                      rationale="Escalating threats over the last month; strangulation mentioned."
                      + (f" {risk_marker}" if risk_marker else ""),
                      da_events_12m=3, repeat_within_12m=True, marac_referral=True),
        new_voice=[r.VoiceEntryIn(
            words=(f"I want him to stop coming round. I want the children to feel safe at home "
                   f"and I do not want to go to court yet.{tag} ") * 3,
            goals=["BE_DA_FREE", "STAY_IN_HOME"], consent_to_share="YES",
            consent_scope=["POLICE", "MARAC"])],
        safe_contact=r.SafeContactIn(method="PHONE", safe_number="07700 900123",
                                     safe_times=f"Weekdays 10-12 when he is at work{tag}",
                                     voicemail_ok=False, text_ok=True),
        outcome=r.OutcomeIn(outcome_code="16"),
    )
