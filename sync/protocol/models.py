"""Wire models: what the sealed documents and JSON answers hold (validated with pydantic)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sync.protocol import hlc

ENTITIES = ("incident", "case", "visit", "offers", "risk", "voice", "safe_contact", "outcome",
            "tracker_row", "allocation", "resolution", "safety")
Kind = Literal["upsert", "append", "tombstone"]
Role = Literal["idva", "supervisor", "coordinator"]
MAX_OPS_PER_BUNDLE = 5000


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Op(Wire):
    """One change as written to the laptop's outbox, with the case it belongs to.

    ``value`` is the outbox payload unchanged; the hub seals it at rest and replays it (see
    :mod:`sync.protocol.replay`) to build each case's state on both ends.
    """

    op_id: str = Field(min_length=36, max_length=36)
    entity: str = Field(max_length=24)
    entity_id: str = Field(min_length=1, max_length=64)
    case_id: str = Field(min_length=36, max_length=36)
    kind: str = Field(max_length=12)
    value: dict[str, Any]
    hlc: str = Field(max_length=64)
    author: str = Field(default="", max_length=80)

    @field_validator("hlc")
    @classmethod
    def _hlc(cls, value: str) -> str:
        if not hlc.is_valid(value):
            raise ValueError("not a clock reading")
        return value


class AuditHead(Wire):
    seq: int = Field(ge=0)
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")


class PushPayload(Wire):
    bundle_id: str
    device_id: str
    seq: int = Field(ge=1)
    ops: list[Op] = Field(max_length=MAX_OPS_PER_BUNDLE)
    audit_head: AuditHead | None = None


class CaseOps(Wire):
    """A case as the hub holds it: every operation on it (replayed in clock order) and its rev."""

    case_id: str
    rev: int
    ops: list[Op]


class PullPayload(Wire):
    device_id: str
    cursor_from: int
    cursor_to: int
    cases: list[CaseOps]
    removed: list[str] = []
    hub_time: int


class EnrolRequest(Wire):
    code: str = Field(min_length=8, max_length=64)
    device_signing_key: str = Field(max_length=64)
    device_sealing_key: str = Field(max_length=64)
    device_id: str = Field(max_length=64)
    label: str = Field(default="", max_length=80)


class EnrolResponse(Wire):
    device_id: str
    user_id: str
    user: str
    role: Role
    staff_code: str
    bcu: str
    team: str
    hub_kid: str
    hub_signing_key: str
    hub_sealing_key: str
    ca_pem: str
    max_bundle_bytes: int
    hub_time: int
    record: dict[str, Any]
    """The hub-signed device record (``{"statement": {...}, "sig": ...}``)."""


class ErrorBody(Wire):
    """Every refusal: a stable code, words for a person, and extras such as ``expected_seq``.
    Nothing in it quotes the request."""

    model_config = ConfigDict(extra="allow", frozen=True)
    error: str
    message: str
