"""The 24-question risk checklist: short topic labels, score and MARAC criteria.

Labels are our own short topics (research/domain.md 2.1), not the checklist's wording.
"""

from __future__ import annotations

from fieldapp.domain.enums import MaracCriterion, RiskAnswer, RiskGrade

RISK_TOPICS: tuple[str, ...] = (
    "Current incident caused injury",
    "Very frightened",
    "What they are afraid of",
    "Isolated from family, friends or GP",
    "Depressed or suicidal thoughts",
    "Separated or tried to in past year",
    "Conflict over child contact",
    "Stalking, harassment, constant contact",
    "Pregnant or baby in last 18 months",
    "Abuse happening more often",
    "Abuse getting worse",
    "Controlling or excessively jealous",
    "Weapons or objects used to hurt",
    "Threats to kill, believed",
    "Strangle, choke, suffocate or drown",
    "Sexual abuse",
    "Another person threatening (consider HBV)",
    "Perpetrator has hurt others",
    "Mistreated an animal or pet",
    "Financial issues or dependency",
    "Perpetrator drugs, alcohol or mental health",
    "Perpetrator threatened or attempted suicide",
    "Broken bail, injunction or agreement",
    "Known to police or criminal history",
)
QUESTION_COUNT = len(RISK_TOPICS)
VISIBLE_HIGH_RISK_THRESHOLD = 14
ESCALATION_THRESHOLD = 3  # DA events in 12 months, common practice (configurable locally)
DEFAULT_BANDS: tuple[tuple[int, RiskGrade], ...] = ((14, RiskGrade.HIGH),)


def score(answers: list[RiskAnswer]) -> int:
    return sum(1 for answer in answers if answer is RiskAnswer.YES)


def risk_level(
    *, yes_count: int, professional_judgement: bool,
    bands: tuple[tuple[int, RiskGrade], ...] = DEFAULT_BANDS,
) -> RiskGrade:
    """Highest band reached; professional judgement can raise to HIGH but never lower a score."""
    if professional_judgement:
        return RiskGrade.HIGH
    for threshold, grade in sorted(bands, key=lambda b: -b[0]):
        if yes_count >= threshold:
            return grade
    return RiskGrade.STANDARD


def marac_criteria(
    *, yes_count: int, professional_judgement: bool, da_events_12m: int, repeat_within_12m: bool
) -> list[MaracCriterion]:
    met: list[MaracCriterion] = []
    if yes_count >= VISIBLE_HIGH_RISK_THRESHOLD:
        met.append(MaracCriterion.VISIBLE_HIGH_RISK)
    if professional_judgement:
        met.append(MaracCriterion.PROFESSIONAL_JUDGEMENT)
    if da_events_12m >= ESCALATION_THRESHOLD:
        met.append(MaracCriterion.POTENTIAL_ESCALATION)
    if repeat_within_12m:
        met.append(MaracCriterion.REPEAT)
    return met
