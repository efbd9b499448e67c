"""Coordinator actions from a laptop: make an enrolment code, list devices, revoke one.

The same use cases as the hub's own CLI (``enrol.make_code``, ``devices.list_devices``,
``devices.revoke``), allowed only to an active device enrolled as a coordinator; anyone else is
refused with 403 ``not_coordinator`` and words saying why. Each action is in the hub's audit log
under the coordinator's name.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sync.hub.service import devices as device_service
from sync.hub.service import enrol as enrol_service
from sync.hub.service.devices import Device
from sync.hub.service.errors import Refused
from sync.hub.store.db import Database

NOT_COORDINATOR = ("only a laptop enrolled as a coordinator can make enrolment codes, see the "
                   "station's devices or revoke one; ask your coordinator")


class CodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user: str = Field(min_length=1, max_length=120)
    role: str
    staff_code: str = Field(default="", max_length=40)
    bcu: str = Field(default="", max_length=16)
    team: str = Field(default="", max_length=40)


class RevokeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=200)


def parse(model: type[BaseModel], body: bytes) -> Any:
    try:
        return model.model_validate_json(body or b"{}")
    except ValidationError:
        raise Refused(400, "malformed", "the request is not in the form this endpoint takes "
                                        "(see /openapi.json)") from None


def require_coordinator(device: Device) -> Device:
    if not device.active or device.role != "coordinator":
        raise Refused(403, "not_coordinator", NOT_COORDINATOR)
    return device


def make_code(db: Database, *, device: Device, request: CodeRequest,
              now_ms: int) -> dict[str, Any]:
    require_coordinator(device)
    if request.role == "idva" and not request.staff_code.strip():
        raise Refused(400, "staff_code_needed", "an IDVA's code needs their staff code: their "
                                                "laptop receives the cases allocated to it")
    code = enrol_service.make_code(db, user=request.user, role=request.role,
                                   staff_code=request.staff_code, bcu=request.bcu,
                                   team=request.team, now_ms=now_ms, actor=device.user)
    return {"code": code, "expires_at": now_ms + enrol_service.CODE_TTL_MS}


def list_devices(db: Database, *, device: Device) -> dict[str, Any]:
    require_coordinator(device)
    return {"devices": device_service.list_devices(db)}


def revoke(db: Database, *, device: Device, target: str, request: RevokeRequest,
           now_ms: int) -> dict[str, Any]:
    require_coordinator(device)
    reason = request.reason.strip()
    if not reason:
        raise Refused(400, "reason_needed", "a revocation needs a reason (it is audited)")
    wanted = device_service.normalise_id(target)
    if wanted == device.device_id:
        raise Refused(409, "own_device", "this is the laptop you are using: revoke it from "
                                         "another coordinator's laptop or the hub")
    device_service.revoke(db, wanted, reason=reason, actor=device.user, now_ms=now_ms)
    return {"device_id": wanted, "state": device_service.REVOKED}
