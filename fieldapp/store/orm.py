"""Tables of the laptop database (schema managed by Alembic; see migrations/)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from fieldapp.store.types import IsoDate, JsonText, UtcDateTime, UuidText


class Base(DeclarativeBase):
    pass


class Tracked:
    """Who and when, on every row, for audit and sync."""

    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(80))
    row_version: Mapped[int] = mapped_column(Integer, default=1)


class Meta(Base):
    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Incident(Tracked, Base):
    __tablename__ = "incidents"
    id: Mapped[UUID] = mapped_column(UuidText, primary_key=True)
    police_ref: Mapped[str] = mapped_column(String(32), index=True)
    bcu: Mapped[str] = mapped_column(String(8))
    district: Mapped[str] = mapped_column(String(40), default="")
    police_visit_at: Mapped[datetime] = mapped_column(UtcDateTime)
    officers: Mapped[list] = mapped_column(JsonText, default=list)


# Every column a board filter or search tests, in the board's index order (migration 0004).
_BOARD = ("police_visit_at", "first_idva_visit_at", "police_ref", "pseudonym", "allocated_to",
          "bcu", "status")


class Case(Tracked, Base):
    __tablename__ = "cases"
    id: Mapped[UUID] = mapped_column(UuidText, primary_key=True)
    incident_id: Mapped[UUID] = mapped_column(ForeignKey("incidents.id"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(40), index=True)
    victim_name: Mapped[str] = mapped_column(String(120), default="")
    allocated_to: Mapped[str] = mapped_column(String(40), default="", index=True)
    status: Mapped[str] = mapped_column(String(10), default="OPEN")
    # Denormalised from the incident and the first IDVA visit so the board sorts on one table.
    police_ref: Mapped[str] = mapped_column(String(32), index=True)
    bcu: Mapped[str] = mapped_column(String(8))
    district: Mapped[str] = mapped_column(String(40), default="")
    police_visit_at: Mapped[datetime] = mapped_column(UtcDateTime)
    first_idva_visit_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    incident: Mapped[Incident] = relationship()
    visits: Mapped[list[Visit]] = relationship(back_populates="case", order_by="Visit.created_at")
    # The board's page orders: every case, and (partial) those awaiting their first IDVA visit.
    __table_args__ = (
        Index("ix_cases_board_by_time", *_BOARD),
        Index("ix_cases_board_pending", *_BOARD, sqlite_where=text("first_idva_visit_at IS NULL")),
    )


class Visit(Tracked, Base):
    __tablename__ = "visits"
    id: Mapped[UUID] = mapped_column(UuidText, primary_key=True)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    idva_visit_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    mode: Mapped[str | None] = mapped_column(String(16), nullable=True)
    idva_code: Mapped[str] = mapped_column(String(40), default="")
    safe_to_talk: Mapped[str | None] = mapped_column(String(8), nullable=True)
    suspect_location: Mapped[str | None] = mapped_column(String(20), nullable=True)
    children_in_household: Mapped[int | None] = mapped_column(Integer, nullable=True)
    encompass_notified: Mapped[str | None] = mapped_column(String(16), nullable=True)
    police_risk_grade: Mapped[str | None] = mapped_column(String(10), nullable=True)
    repeat_victim: Mapped[bool | None] = mapped_column(nullable=True)
    repeat_suspect: Mapped[bool | None] = mapped_column(nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="visits")
    offers: Mapped[list[Offer]] = relationship(cascade="all, delete-orphan")
    risk: Mapped[RiskAssessment | None] = relationship(cascade="all, delete-orphan")


class Offer(Tracked, Base):
    """An offer of support or a referral; ``target`` is empty for the non-referral offers."""

    __tablename__ = "offers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # No index of its own: the unique constraint's index leads with visit_id (migration 0005).
    visit_id: Mapped[UUID] = mapped_column(ForeignKey("visits.id"))
    offer_type: Mapped[str] = mapped_column(String(24))
    target: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(12))
    decline_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    __table_args__ = (UniqueConstraint("visit_id", "offer_type", "target"),)


class RiskAssessment(Tracked, Base):
    __tablename__ = "risk_assessments"
    visit_id: Mapped[UUID] = mapped_column(ForeignKey("visits.id"), primary_key=True)
    answers: Mapped[list | None] = mapped_column(JsonText, nullable=True)
    yes_count: Mapped[int] = mapped_column(Integer)
    professional_judgement: Mapped[bool] = mapped_column(default=False)
    rationale: Mapped[str] = mapped_column(Text, default="")
    da_events_12m: Mapped[int] = mapped_column(Integer, default=0)
    repeat_within_12m: Mapped[bool] = mapped_column(default=False)
    marac_referral: Mapped[bool | None] = mapped_column(nullable=True)


class VoiceEntry(Base):
    """Append-only: a correction is a new row naming the one it corrects."""

    __tablename__ = "voice_entries"
    id: Mapped[UUID] = mapped_column(UuidText, primary_key=True)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    words: Mapped[str] = mapped_column(Text)
    verbatim: Mapped[bool] = mapped_column(default=True)
    goals: Mapped[list] = mapped_column(JsonText, default=list)
    consent_to_share: Mapped[str | None] = mapped_column(String(20), nullable=True)
    consent_scope: Mapped[list] = mapped_column(JsonText, default=list)
    corrects: Mapped[UUID | None] = mapped_column(ForeignKey("voice_entries.id"), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(80))


class SafeContact(Tracked, Base):
    __tablename__ = "safe_contacts"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    method: Mapped[str] = mapped_column(String(20))
    safe_number: Mapped[str] = mapped_column(String(40), default="")
    safe_times: Mapped[str] = mapped_column(String(200), default="")
    voicemail_ok: Mapped[bool] = mapped_column(default=False)
    text_ok: Mapped[bool] = mapped_column(default=False)


class Outcome(Tracked, Base):
    __tablename__ = "outcomes"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    outcome_code: Mapped[str] = mapped_column(String(4))
    outcome_date: Mapped[date | None] = mapped_column(IsoDate, nullable=True)


class TrackerExtra(Base):
    """Tracker columns with no home in the capture model (goals and DASH score of imported rows)."""

    __tablename__ = "tracker_extras"
    visit_id: Mapped[UUID] = mapped_column(ForeignKey("visits.id"), primary_key=True)
    dash_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    marac_referral: Mapped[bool | None] = mapped_column(nullable=True)
    victim_goals: Mapped[list] = mapped_column(JsonText, default=list)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(16))
    record_type: Mapped[str] = mapped_column(String(24))
    record_id: Mapped[str] = mapped_column(String(64))
    fields: Mapped[list] = mapped_column(JsonText, default=list)
    justification: Mapped[str] = mapped_column(Text, default="")
    recipient: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class OutboxOp(Base):
    __tablename__ = "outbox"
    op_id: Mapped[UUID] = mapped_column(UuidText, primary_key=True)
    hlc: Mapped[str] = mapped_column(String(40), index=True)
    entity: Mapped[str] = mapped_column(String(24))
    entity_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(12))
    payload: Mapped[dict] = mapped_column(JsonText)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    # The push bundle that carries this operation once it is sealed (migration 0006).
    bundle_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    __table_args__ = (Index("ix_outbox_entity", "entity", "entity_id"),)


class Draft(Base):
    """Autosaved form state: inside the encrypted database, never a loose file."""

    __tablename__ = "drafts"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    payload: Mapped[dict] = mapped_column(JsonText)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SyncBundle(Base):
    """A sealed push bundle, stored before it is sent so a retry sends the identical bytes."""

    __tablename__ = "sync_bundles"
    bundle_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    header_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(8))
    """'sealed' until the hub's signed receipt is verified, then 'acked'."""
    op_count: Mapped[int] = mapped_column(Integer)
    audit_seq: Mapped[int] = mapped_column(Integer)
    audit_hash: Mapped[str] = mapped_column(String(64))
    """The audit chain head sealed into the bundle (the hub anchors it)."""
    sealed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    acked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    receipt: Mapped[dict | None] = mapped_column(JsonText, nullable=True)


class SyncCase(Base):
    """The hub's rev of each case this laptop holds from the hub (its scope hash is over these)."""

    __tablename__ = "sync_cases"
    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    rev: Mapped[int] = mapped_column(Integer)


class CaseFlags(Base):
    """A case's safety-critical flags (migration 0007): None while nobody has recorded one.

    Changed by ``safety`` operations only; two devices changing one from the same base open a
    conflict (``sync.protocol.replay``), and the restrictive value is held here until resolved.
    """

    __tablename__ = "case_flags"
    case_id: Mapped[UUID] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    do_not_contact: Mapped[bool | None] = mapped_column(nullable=True)
    do_not_visit: Mapped[bool | None] = mapped_column(nullable=True)
    risk_grade: Mapped[str | None] = mapped_column(String(10), nullable=True)
    marac_referral: Mapped[bool | None] = mapped_column(nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(80))


class FieldVersion(Base):
    """The operation that last set each safety-critical field of a case, as this laptop knows it:
    the ``base`` its next change of that field is sealed with (migration 0007)."""

    __tablename__ = "field_versions"
    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    field: Mapped[str] = mapped_column(String(32), primary_key=True)
    op_id: Mapped[str] = mapped_column(String(36))


class SyncConflict(Base):
    """A conflict of a safety-critical field as the hub's operations replay to (migration 0007).
    ``sides``: every competing value, with its operation, device and time; ``in_force``: the
    value applied until a person resolves it."""

    __tablename__ = "sync_conflicts"
    conflict_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(10))
    sides: Mapped[list] = mapped_column(JsonText)
    in_force: Mapped[dict] = mapped_column(JsonText)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    resolved_by: Mapped[str] = mapped_column(String(80), default="")
    reason: Mapped[str] = mapped_column(Text, default="")


class FieldHistory(Base):
    """A value a later one replaced (last writer wins by clock; the loser is kept here)."""

    __tablename__ = "field_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(32))
    value: Mapped[dict] = mapped_column(JsonText)
    """``{"v": the replaced value}``."""
    op_id: Mapped[str] = mapped_column(String(36))
    by: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    replaced_by: Mapped[str] = mapped_column(String(36))
