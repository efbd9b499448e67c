"""One tracker row: the coordinator's one-line-per-visit record (tracker interchange format v1).

The row holds codes, dates and counts only: no names, addresses or free text (those stay in the
vault). Instants are aware UTC, rounded to whole seconds, because the interchange format carries
seconds and a row must survive a CSV or XLSX round trip unchanged. The derived columns are
properties, never stored, so they cannot drift from the values they are derived from.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from fieldapp.domain import clock
from fieldapp.domain.enums import OUTCOME_CODES, Bcu, RiskGrade, TimeBand, VictimGoal, VisitMode


class SupportDecision(StrEnum):
    """The decision on an offer at the visit; NOT_OFFERED is outside every KPI denominator."""

    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    UNDECIDED = "UNDECIDED"
    NOT_OFFERED = "NOT_OFFERED"


class ReferralDecision(StrEnum):
    OFFERED = "OFFERED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"


REQUIRED: tuple[str, ...] = (
    "visit_id", "police_incident_ref", "bcu", "police_visit_at", "idva_visit_at",
    "idva_support", "prosecution_support",
)
REFERRAL_COLUMNS: tuple[str, ...] = (
    "ref_refuge", "ref_housing", "ref_mental_health", "ref_drug_alcohol",
    "ref_childrens_social_care",
)
DERIVED: tuple[str, ...] = ("hours_to_idva_visit", "time_band", "visit_hour_band", "financial_quarter")
COLUMNS: tuple[str, ...] = (
    "visit_id", "police_incident_ref", "bcu", "district", "police_visit_at", "idva_visit_at",
    "idva_support", "prosecution_support", "idva_code", "visit_mode", "police_risk_grade",
    "dash_score", "marac_referral", *REFERRAL_COLUMNS, "repeat_victim", "repeat_suspect",
    "children_in_household", "outcome_code", "victim_goals", *DERIVED,
)
"""Export order. Import matches by name, in any order."""
OPTIONAL: tuple[str, ...] = tuple(c for c in COLUMNS if c not in REQUIRED and c not in DERIVED)

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC)

# Characters XML (hence XLSX) cannot hold, and NUL which PostgreSQL text cannot hold. Tab, CR and
# LF are allowed: they are odd in a code but harmless once the writer defuses a leading one.
_ILLEGAL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def derive_visit_id(police_incident_ref: str, police_visit_at: datetime) -> UUID:
    """UUIDv5 of the spec's key, so re-importing a sheet in any date style is idempotent."""
    stamp = _whole_seconds(clock.as_utc(police_visit_at)).replace(tzinfo=None).isoformat() + "Z"
    return uuid5(NAMESPACE_URL, f"tracker:v1:{police_incident_ref}:{stamp}")


def _whole_seconds(value: datetime) -> datetime:
    """Round to the nearest second: XLSX stores fractions of a day, which come back a hair off."""
    if value.microsecond:
        value = value.replace(microsecond=0) + timedelta(seconds=value.microsecond >= 500_000)
    return value


def _instant(value: datetime) -> datetime:
    if not isinstance(value, datetime):  # pragma: no cover - pydantic has already checked
        raise ValueError("must be a date and time")
    if value.tzinfo is None and not (EARLIEST.year <= value.year <= LATEST.year):
        raise ValueError("must be a date between 2000 and 2099")
    try:
        value = _whole_seconds(clock.as_utc(value))
    except OverflowError:
        raise ValueError("must be a date between 2000 and 2099") from None
    if not EARLIEST <= value <= LATEST:
        raise ValueError("must be a date between 2000 and 2099")
    return value


def _optional_instant(value: datetime | None) -> datetime | None:
    return None if value is None else _instant(value)


def _text(value: object) -> object:
    """Trim surrounding spaces and refuse characters a spreadsheet or database cannot store."""
    if isinstance(value, str):
        value = value.strip(" ")
        if _ILLEGAL_TEXT.search(value):  # type: ignore[union-attr]
            raise ValueError("contains control characters that cannot be stored")
    return value


def _optional_text(value: object) -> object:
    value = _text(value)
    return None if value == "" else value


def _outcome(value: str | None) -> str | None:
    if value is None:
        return None
    code = value.strip().upper()
    if code == "":
        return None
    if code not in OUTCOME_CODES:
        raise ValueError("must be a Home Office outcome code: 1, 1A, 2-18 or 20-22")
    return code


def _goals(value: tuple[VictimGoal, ...]) -> tuple[VictimGoal, ...]:
    return tuple(dict.fromkeys(value))  # the same goal twice is one goal; order kept


Instant = Annotated[datetime, AfterValidator(_instant)]
OptionalInstant = Annotated[datetime | None, AfterValidator(_optional_instant)]
Ref = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=32)]
Code = Annotated[Annotated[str, Field(max_length=40)] | None, BeforeValidator(_optional_text)]


class TrackerRow(BaseModel):
    """One visit as the tracker v1 columns describe it; see COLUMNS for the export order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    visit_id: UUID
    police_incident_ref: Ref
    bcu: Bcu
    district: Code = None
    police_visit_at: Instant
    idva_visit_at: OptionalInstant = None
    idva_support: SupportDecision | None = None
    prosecution_support: SupportDecision | None = None
    idva_code: Code = None
    visit_mode: VisitMode | None = None
    police_risk_grade: RiskGrade | None = None
    dash_score: Annotated[int, Field(ge=0, le=24)] | None = None
    marac_referral: bool | None = None
    ref_refuge: ReferralDecision | None = None
    ref_housing: ReferralDecision | None = None
    ref_mental_health: ReferralDecision | None = None
    ref_drug_alcohol: ReferralDecision | None = None
    ref_childrens_social_care: ReferralDecision | None = None
    repeat_victim: bool | None = None
    repeat_suspect: bool | None = None
    children_in_household: Annotated[int, Field(ge=0, le=30)] | None = None
    outcome_code: Annotated[str | None, AfterValidator(_outcome)] = None
    victim_goals: Annotated[tuple[VictimGoal, ...], AfterValidator(_goals)] = ()

    @model_validator(mode="after")
    def _idva_after_police(self) -> TrackerRow:
        if self.idva_visit_at is not None and self.idva_visit_at < self.police_visit_at:
            raise ValueError("the IDVA visit is before the police visit; check both dates")
        return self

    # ---- derived columns (never stored) ---------------------------------------------------

    @property
    def elapsed_seconds(self) -> int | None:
        """Real elapsed seconds police -> IDVA; aware UTC arithmetic, so clock changes cost nothing."""
        if self.idva_visit_at is None:
            return None
        return int((self.idva_visit_at - self.police_visit_at).total_seconds())

    @property
    def hours_to_idva_visit(self) -> float | None:
        """Elapsed hours to one decimal, rounded half up (what a person does by hand)."""
        seconds = self.elapsed_seconds
        if seconds is None:
            return None
        return ((2 * seconds + 360) // 720) / 10

    @property
    def time_band(self) -> TimeBand | None:
        """Band of the exact elapsed time: 24 h 2 min is past the 24-hour mark, not rounded into it."""
        if self.idva_visit_at is None:
            return None
        return clock.time_band(clock.hours_between(self.police_visit_at, self.idva_visit_at))

    @property
    def visit_hour_band(self) -> str | None:
        return clock.hour_band(self.idva_visit_at)

    @property
    def financial_quarter(self) -> str:
        return clock.financial_quarter(self.police_visit_at)

    def derived(self) -> dict[str, str]:
        """The derived columns as the file spells them ('' where there is no value)."""
        hours = self.hours_to_idva_visit
        band = self.time_band
        return {
            "hours_to_idva_visit": "" if hours is None else f"{hours:.1f}",
            "time_band": "" if band is None else band.value,
            "visit_hour_band": self.visit_hour_band or "",
            "financial_quarter": self.financial_quarter,
        }
