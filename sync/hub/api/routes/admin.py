"""Coordinator actions, signed like the sync calls: ``/v1/admin/...`` (thin; see
sync.hub.service.admin). A device that is not an active coordinator gets 403 ``not_coordinator``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sync.hub.api.deps import BodyDep, DeviceDep, HubDep
from sync.hub.api.routes.responses import SIGNED_HEADERS, errors
from sync.hub.service import admin

router = APIRouter(prefix="/v1/admin", tags=["admin"])

_JSON_BODY = {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}


@router.post("/enrol-codes", responses=errors(400, 401, 403, 500),
             openapi_extra={"parameters": SIGNED_HEADERS, "requestBody": _JSON_BODY})
def make_code(device: DeviceDep, body: BodyDep, hub: HubDep) -> dict[str, Any]:
    """A one-time enrolment code (``user``, ``role``, ``staff_code``, ``bcu``, ``team``)."""
    request = admin.parse(admin.CodeRequest, body)
    return admin.make_code(hub.database, device=device, request=request, now_ms=hub.clock_ms())


@router.get("/devices", responses=errors(401, 403, 500),
            openapi_extra={"parameters": SIGNED_HEADERS})
def devices(device: DeviceDep, hub: HubDep) -> dict[str, Any]:
    """Every enrolled device with its last sync and state."""
    return admin.list_devices(hub.database, device=device)


@router.post("/devices/{device_id}/revoke", responses=errors(400, 401, 403, 404, 409, 500),
             openapi_extra={"parameters": SIGNED_HEADERS, "requestBody": _JSON_BODY})
def revoke(device_id: str, device: DeviceDep, body: BodyDep, hub: HubDep) -> dict[str, Any]:
    """Revoke a device (``reason`` required): its next signed call gets a wipe order."""
    request = admin.parse(admin.RevokeRequest, body)
    return admin.revoke(hub.database, device=device, target=device_id, request=request,
                        now_ms=hub.clock_ms())
