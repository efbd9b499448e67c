"""The hub's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Plain columns hold ids, devices, clocks and the scope fields a pull filters on (a case's
``allocated_to``, ``bcu`` and ``police_ref``); every operation's value and every conflict's sides is sealed with the hub's
data key (AES-256-GCM, the op id as associated data) in ``ops.sealed_value``, so neither the
SQLite file nor a ``pg_dump`` holds victims' words, safe-contact details or risk rationale.
Times are integers, milliseconds since the epoch (hub clock). Enrolment codes are stored as the
SHA-256 of the code, never the code.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    false,
)

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

ID = String(64)
UUID_TEXT = String(36)
HASH = String(64)
MS = BigInteger

devices = Table(
    "devices", metadata,
    Column("device_id", ID, primary_key=True),
    Column("user_id", ID, nullable=False),
    Column("user", String(120), nullable=False),
    Column("role", String(16), nullable=False),
    Column("staff_code", String(40), nullable=False, server_default=""),
    Column("bcu", String(16), nullable=False, server_default=""),
    Column("team", String(40), nullable=False, server_default=""),
    Column("label", String(80), nullable=False, server_default=""),
    Column("signing_key", String(64), nullable=False),
    Column("sealing_key", String(64), nullable=False),
    Column("state", String(8), nullable=False, server_default="active"),
    Column("revoked_reason", String(200), nullable=True),
    Column("revoked_at", MS, nullable=True),
    Column("enrolled_at", MS, nullable=False),
    Column("not_after", MS, nullable=False),
    Column("last_seen", MS, nullable=True),
    Column("last_seq", Integer, nullable=False, server_default="0"),
    Column("last_header_hash", HASH, nullable=False, server_default="0" * 64),
    Column("audit_head_seq", Integer, nullable=True),
    Column("audit_head_hash", HASH, nullable=True),
    Column("last_cursor", MS, nullable=False, server_default="0"),
    Index(None, "team"),
)

enrol_codes = Table(
    "enrol_codes", metadata,
    Column("code_hash", HASH, primary_key=True),
    Column("user", String(120), nullable=False),
    Column("role", String(16), nullable=False),
    Column("staff_code", String(40), nullable=False, server_default=""),
    Column("bcu", String(16), nullable=False, server_default=""),
    Column("team", String(40), nullable=False, server_default=""),
    Column("created_at", MS, nullable=False),
    Column("expires_at", MS, nullable=False),
    Column("used_at", MS, nullable=True),
    Column("used_by", ID, nullable=True),
)

received_bundles = Table(
    "received_bundles", metadata,
    Column("bundle_id", UUID_TEXT, primary_key=True),
    Column("device_id", ID, ForeignKey("devices.device_id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("sha256", HASH, nullable=False),
    Column("header_hash", HASH, nullable=False),
    Column("receipt", JSON, nullable=False),
    Column("received_at", MS, nullable=False),
    UniqueConstraint("device_id", "seq"),
)

ops = Table(
    "ops", metadata,
    Column("op_id", UUID_TEXT, primary_key=True),
    Column("case_id", UUID_TEXT, nullable=False),
    Column("device_id", ID, ForeignKey("devices.device_id"), nullable=False),
    Column("entity", String(24), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("hlc", String(64), nullable=False),
    Column("author", String(80), nullable=False, server_default=""),
    Column("sealed_value", LargeBinary, nullable=False),
    Column("quarantined", Boolean, nullable=False, server_default=false()),
    # Why the hub refused the op (migration 0002; NULL: not refused). Kept, never applied.
    Column("refused", String(40), nullable=True),
    Column("received_seq", Integer, nullable=False),
    Column("received_at", MS, nullable=False),
    Index(None, "case_id", "hlc"),
    Index(None, "device_id", "case_id"),
)

cases = Table(
    "cases", metadata,
    Column("case_id", UUID_TEXT, primary_key=True),
    Column("rev", MS, nullable=False),
    Column("allocated_to", String(40), nullable=True),
    Column("bcu", String(16), nullable=True),
    Column("police_ref", String(32), nullable=True),
    Column("updated_at", MS, nullable=False),
    Index(None, "rev", unique=True),
    Index(None, "allocated_to"),
    Index(None, "bcu"),
)

device_cases = Table(
    "device_cases", metadata,
    Column("device_id", ID, ForeignKey("devices.device_id"), nullable=False),
    Column("case_id", UUID_TEXT, nullable=False),
    # rev_sent: the rev last sent in a pull page (NULL while the device only pushed the case);
    # removed_at: when the device was told the case left its scope (NULL while it holds it).
    Column("rev_sent", MS, nullable=True),
    Column("sent_at", MS, nullable=True),
    Column("removed_at", MS, nullable=True),
    PrimaryKeyConstraint("device_id", "case_id"),
)

counters = Table(
    "counters", metadata,
    Column("name", String(32), primary_key=True),
    Column("value", MS, nullable=False),
)

nonces = Table(
    "nonces", metadata,
    Column("device_id", ID, nullable=False),
    Column("nonce", String(64), nullable=False),
    Column("at", MS, nullable=False),
    PrimaryKeyConstraint("device_id", "nonce"),
    Index(None, "at"),
)

hub_audit = Table(
    "hub_audit", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", MS, nullable=False),
    Column("actor", String(120), nullable=False),
    Column("action", String(24), nullable=False),
    Column("record_type", String(32), nullable=False),
    Column("record_id", String(120), nullable=False),
    Column("recipient", String(200), nullable=False, server_default=""),
    Column("purpose", String(500), nullable=False, server_default=""),
    Column("prev_hash", HASH, nullable=False),
    Column("hash", HASH, nullable=False),
)

conflicts = Table(
    "conflicts", metadata,
    Column("conflict_id", UUID_TEXT, primary_key=True),
    Column("case_id", UUID_TEXT, nullable=False),
    Column("field", String(64), nullable=False),
    Column("state", String(12), nullable=False, server_default="open"),
    # The sides, the value in force and the resolution's reason: sealed like op values, with
    # the conflict id as associated data.
    Column("detail", LargeBinary, nullable=True),
    Column("created_at", MS, nullable=False),
    Column("resolved_at", MS, nullable=True),
    Column("resolved_by", String(80), nullable=True),  # migration 0002
    Index(None, "case_id"),
)

CHANGE_COUNTER = "change"
AUDIT_COUNTER = "audit"
