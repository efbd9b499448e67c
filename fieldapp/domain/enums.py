"""Stable codes from the data dictionary (research/domain.md section 6).

Codes are stored; labels are for display and go through the UI's translation layer.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    IDVA = "idva"
    SUPERVISOR = "supervisor"
    COORDINATOR = "coordinator"


class Bcu(StrEnum):
    WEST = "WEST"
    EAST = "EAST"
    SOUTH = "SOUTH"


DISTRICTS: tuple[str, ...] = ("BLACKPOOL", "FYLDE", "WYRE", "LANCASTER", "MORECAMBE", "OTHER")


class VisitMode(StrEnum):
    JOINT = "JOINT"
    IDVA_ONLY = "IDVA_ONLY"
    PHONE = "PHONE"
    NO_CONTACT = "NO_CONTACT"


class SafeToTalk(StrEnum):
    YES = "YES"
    NO = "NO"
    PARTIAL = "PARTIAL"


class SuspectLocation(StrEnum):
    IN_CUSTODY = "IN_CUSTODY"
    AT_ADDRESS = "AT_ADDRESS"
    ELSEWHERE_KNOWN = "ELSEWHERE_KNOWN"
    UNKNOWN = "UNKNOWN"


class EncompassNotified(StrEnum):
    YES = "YES"
    NO = "NO"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    UNKNOWN = "UNKNOWN"


class RiskGrade(StrEnum):
    STANDARD = "STANDARD"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


class OfferType(StrEnum):
    IDVA_SUPPORT = "IDVA_SUPPORT"
    PROSECUTION_SUPPORT = "PROSECUTION_SUPPORT"
    SAFETY_PLAN = "SAFETY_PLAN"


class OfferStatus(StrEnum):
    """Decision on an offer. NOT_OFFERED keeps the tracker's meaning: outside the denominator."""

    OFFERED = "OFFERED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    UNDECIDED = "UNDECIDED"
    NOT_OFFERED = "NOT_OFFERED"


class ReferralTarget(StrEnum):
    REFUGE = "REFUGE"
    HOUSING = "HOUSING"
    MENTAL_HEALTH = "MENTAL_HEALTH"
    DRUG_ALCOHOL = "DRUG_ALCOHOL"
    CHILDRENS_SOCIAL_CARE = "CHILDRENS_SOCIAL_CARE"
    MARAC = "MARAC"
    OTHER = "OTHER"


class DeclineReason(StrEnum):
    NO_POLICE_INVOLVEMENT_WANTED = "NO_POLICE_INVOLVEMENT_WANTED"
    FEAR_OF_REPRISAL = "FEAR_OF_REPRISAL"
    WANTS_RELATIONSHIP_TO_CONTINUE = "WANTS_RELATIONSHIP_TO_CONTINUE"
    CHILDREN_SERVICES_CONCERN = "CHILDREN_SERVICES_CONCERN"
    ALREADY_SUPPORTED = "ALREADY_SUPPORTED"
    NOT_READY = "NOT_READY"
    OTHER = "OTHER"


class VictimGoal(StrEnum):
    BE_DA_FREE = "BE_DA_FREE"
    NO_POLICE_INVOLVEMENT = "NO_POLICE_INVOLVEMENT"
    STAY_IN_HOME = "STAY_IN_HOME"
    LEAVE_RELOCATE = "LEAVE_RELOCATE"
    PROSECUTION = "PROSECUTION"
    PROTECTIVE_ORDER = "PROTECTIVE_ORDER"
    SAFE_CHILD_CONTACT = "SAFE_CHILD_CONTACT"
    END_RELATIONSHIP = "END_RELATIONSHIP"
    CONTINUE_RELATIONSHIP_ABUSE_STOPS = "CONTINUE_RELATIONSHIP_ABUSE_STOPS"
    SUPPORT_ONLY = "SUPPORT_ONLY"


class ConsentToShare(StrEnum):
    YES = "YES"
    NO = "NO"
    NOT_ASKED_UNSAFE = "NOT_ASKED_UNSAFE"


class ConsentScope(StrEnum):
    POLICE = "POLICE"
    MARAC = "MARAC"
    HEALTH = "HEALTH"
    HOUSING = "HOUSING"


class SafeContactMethod(StrEnum):
    PHONE = "PHONE"
    TEXT = "TEXT"
    EMAIL = "EMAIL"
    VIA_THIRD_PARTY = "VIA_THIRD_PARTY"
    IN_PERSON_ONLY = "IN_PERSON_ONLY"
    NONE_SAFE = "NONE_SAFE"


class RiskAnswer(StrEnum):
    YES = "YES"
    NO = "NO"
    DONT_KNOW = "DONT_KNOW"
    NOT_ASKED = "NOT_ASKED"


class MaracCriterion(StrEnum):
    VISIBLE_HIGH_RISK = "VISIBLE_HIGH_RISK"
    PROFESSIONAL_JUDGEMENT = "PROFESSIONAL_JUDGEMENT"
    POTENTIAL_ESCALATION = "POTENTIAL_ESCALATION"
    REPEAT = "REPEAT"


class CaseStatus(StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class ClockState(StrEnum):
    """Where a case stands against the 24-hour mark."""

    ON_TIME = "ON_TIME"
    DUE_SOON = "DUE_SOON"
    OVERDUE = "OVERDUE"
    MET = "MET"
    MISSED = "MISSED"


class TimeBand(StrEnum):
    LE_24H = "LE_24H"
    H24_TO_1W = "24H_TO_1W"
    GT_1W = "GT_1W"


HOUR_BANDS: tuple[str, ...] = ("00-08", "08-12", "12-16", "16-20", "20-24")

OUTCOME_CODES: tuple[str, ...] = (
    "1", "1A", *(str(n) for n in range(2, 19)), "20", "21", "22",
)
DEFAULT_POSITIVE_OUTCOMES: frozenset[str] = frozenset({"1", "1A", "2", "3", "4", "6", "7", "8"})
