"""Pydantic records: what services accept (``*In``) and return (``*Out``).

Timestamps are aware UTC. Validation messages are written for the person at the keyboard and
never echo the value they reject (the value may be personal data).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from fieldapp.domain import clock
from fieldapp.domain.enums import (
    OUTCOME_CODES,
    Bcu,
    CaseStatus,
    ClockState,
    ConsentScope,
    ConsentToShare,
    DeclineReason,
    EncompassNotified,
    MaracCriterion,
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
from fieldapp.domain.risk import QUESTION_COUNT, marac_criteria, risk_level, score

FUTURE_TOLERANCE = timedelta(minutes=5)


def _utc_not_future(value: datetime) -> datetime:
    value = clock.as_utc(value)
    if value > clock.utc_now() + FUTURE_TOLERANCE:
        raise ValueError("is in the future; check the date and time (and the laptop's clock)")
    return value


def _optional_utc(value: datetime | None) -> datetime | None:
    return None if value is None else _utc_not_future(value)


PastInstant = Annotated[datetime, AfterValidator(_utc_not_future)]
OptionalPastInstant = Annotated[datetime | None, AfterValidator(_optional_utc)]
ShortText = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=20_000)]


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, str_strip_whitespace=True, extra="forbid")


class IncidentIn(Record):
    police_ref: Annotated[str, Field(min_length=1, max_length=32)]
    bcu: Bcu
    district: Annotated[str, Field(max_length=40)] = ""
    police_visit_at: PastInstant
    officers: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(
        default_factory=list, max_length=10
    )
    victim_name: Annotated[str, Field(max_length=120)] = ""
    allocated_to: Annotated[str, Field(max_length=40)] = ""


class VisitIn(Record):
    idva_visit_at: PastInstant
    mode: VisitMode
    idva_code: Annotated[str, Field(max_length=40)] = ""
    safe_to_talk: SafeToTalk | None = None
    suspect_location: SuspectLocation | None = None
    children_in_household: Annotated[int, Field(ge=0, le=30)] | None = None
    encompass_notified: EncompassNotified | None = None
    police_risk_grade: RiskGrade | None = None
    repeat_victim: bool | None = None
    repeat_suspect: bool | None = None
    note: LongText = ""

    @model_validator(mode="after")
    def _encompass_needs_children(self) -> VisitIn:
        if self.encompass_notified is EncompassNotified.YES and self.children_in_household == 0:
            raise ValueError("Operation Encompass notified but no children recorded; check both")
        return self


class OfferIn(Record):
    offer_type: OfferType
    status: OfferStatus
    decline_reason: DeclineReason | None = None

    @model_validator(mode="after")
    def _reason_only_when_declined(self) -> OfferIn:
        if self.decline_reason is not None and self.status is not OfferStatus.DECLINED:
            raise ValueError("a decline reason is only recorded when the offer was declined")
        return self


class ReferralIn(Record):
    target: ReferralTarget
    status: OfferStatus
    decline_reason: DeclineReason | None = None

    @model_validator(mode="after")
    def _reason_only_when_declined(self) -> ReferralIn:
        if self.decline_reason is not None and self.status is not OfferStatus.DECLINED:
            raise ValueError("a decline reason is only recorded when the referral was declined")
        return self


class VoiceEntryIn(Record):
    words: Annotated[str, Field(min_length=1, max_length=20_000)]
    verbatim: bool = True
    goals: list[VictimGoal] = Field(default_factory=list)
    consent_to_share: ConsentToShare | None = None
    consent_scope: list[ConsentScope] = Field(default_factory=list)
    corrects: UUID | None = None

    @model_validator(mode="after")
    def _scope_needs_consent(self) -> VoiceEntryIn:
        if self.consent_scope and self.consent_to_share is not ConsentToShare.YES:
            raise ValueError("a sharing scope needs consent to share recorded as YES")
        return self


class SafeContactIn(Record):
    method: SafeContactMethod
    safe_number: Annotated[str, Field(max_length=40, pattern=r"^[0-9 +()-]*$")] = ""
    safe_times: Annotated[str, Field(max_length=200)] = ""
    voicemail_ok: bool = False
    text_ok: bool = False

    @model_validator(mode="after")
    def _phone_needs_number(self) -> SafeContactIn:
        if self.method in (SafeContactMethod.PHONE, SafeContactMethod.TEXT) and not self.safe_number:
            raise ValueError("a safe number is needed when the safe method is phone or text")
        return self


class RiskIn(Record):
    answers: list[RiskAnswer] = Field(min_length=QUESTION_COUNT, max_length=QUESTION_COUNT)
    professional_judgement: bool = False
    rationale: Annotated[str, Field(max_length=5_000)] = ""
    da_events_12m: Annotated[int, Field(ge=0, le=500)] = 0
    repeat_within_12m: bool = False
    marac_referral: bool | None = None

    @model_validator(mode="after")
    def _judgement_needs_rationale(self) -> RiskIn:
        if self.professional_judgement and not self.rationale.strip():
            raise ValueError("professional judgement needs a rationale: say what the concerns are")
        return self

    @property
    def yes_count(self) -> int:
        return score(self.answers)


class OutcomeIn(Record):
    outcome_code: str
    outcome_date: date | None = None

    @model_validator(mode="after")
    def _known_code(self) -> OutcomeIn:
        if self.outcome_code.upper() not in OUTCOME_CODES:
            raise ValueError("outcome code must be a Home Office code: 1, 1A, 2-18 or 20-22")
        return self


# ---- what services return -------------------------------------------------------------------


class Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class OfferOut(Out):
    offer_type: OfferType
    status: OfferStatus
    decline_reason: DeclineReason | None


class ReferralOut(Out):
    target: ReferralTarget
    status: OfferStatus
    decline_reason: DeclineReason | None


class RiskOut(Out):
    answers: list[RiskAnswer]
    yes_count: int
    professional_judgement: bool
    rationale: str
    da_events_12m: int
    repeat_within_12m: bool
    marac_referral: bool | None
    assessed_at: datetime

    @property
    def level(self) -> RiskGrade:
        return risk_level(yes_count=self.yes_count, professional_judgement=self.professional_judgement)

    @property
    def criteria(self) -> list[MaracCriterion]:
        return marac_criteria(
            yes_count=self.yes_count, professional_judgement=self.professional_judgement,
            da_events_12m=self.da_events_12m, repeat_within_12m=self.repeat_within_12m,
        )


class VisitOut(Out):
    visit_id: UUID
    case_id: UUID
    idva_visit_at: datetime | None
    mode: VisitMode | None
    idva_code: str
    safe_to_talk: SafeToTalk | None
    suspect_location: SuspectLocation | None
    children_in_household: int | None
    encompass_notified: EncompassNotified | None
    police_risk_grade: RiskGrade | None
    repeat_victim: bool | None
    repeat_suspect: bool | None
    note: str
    offers: list[OfferOut] = []
    referrals: list[ReferralOut] = []
    risk: RiskOut | None = None
    updated_at: datetime


class VoiceEntryOut(Out):
    entry_id: UUID
    case_id: UUID
    words: str
    verbatim: bool
    goals: list[VictimGoal]
    consent_to_share: ConsentToShare | None
    consent_scope: list[ConsentScope]
    corrects: UUID | None
    recorded_at: datetime
    recorded_by: str


class SafeContactOut(Out):
    method: SafeContactMethod
    safe_number: str
    safe_times: str
    voicemail_ok: bool
    text_ok: bool


class OutcomeOut(Out):
    outcome_code: str
    outcome_date: date | None


class CaseSummary(Out):
    """One line of the board: enough to sort by the clock, nothing sensitive beyond the name."""

    case_id: UUID
    police_ref: str
    pseudonym: str
    bcu: Bcu
    district: str
    police_visit_at: datetime
    idva_visit_at: datetime | None
    allocated_to: str
    status: CaseStatus

    def clock(self, now: datetime | None = None) -> ClockState:
        return clock.clock_state(
            police_visit_at=self.police_visit_at, idva_visit_at=self.idva_visit_at, now=now
        )


class CaseOut(Out):
    case_id: UUID
    incident_id: UUID
    police_ref: str
    pseudonym: str
    victim_name: str
    bcu: Bcu
    district: str
    police_visit_at: datetime
    officers: list[str]
    allocated_to: str
    status: CaseStatus
    visits: list[VisitOut]
    voice: list[VoiceEntryOut]
    safe_contact: SafeContactOut | None
    outcome: OutcomeOut | None

    @property
    def first_visit(self) -> VisitOut | None:
        done = [v for v in self.visits if v.idva_visit_at is not None]
        return min(done, key=lambda v: v.idva_visit_at) if done else None  # type: ignore[arg-type, return-value]

    def clock(self, now: datetime | None = None) -> ClockState:
        first = self.first_visit
        return clock.clock_state(
            police_visit_at=self.police_visit_at,
            idva_visit_at=first.idva_visit_at if first else None, now=now,
        )
