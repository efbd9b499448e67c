"""``POST /v1/enrol``: a one-time code for the device record and the hub's keys."""

from __future__ import annotations

from fastapi import APIRouter

from sync.hub.api.deps import HubDep
from sync.hub.api.routes.responses import errors
from sync.hub.service import enrol as enrol_service
from sync.protocol.models import EnrolRequest, EnrolResponse

router = APIRouter(prefix="/v1", tags=["enrolment"])


@router.post("/enrol", response_model=EnrolResponse, responses=errors(400, 403, 409, 413, 500))
def enrol(request: EnrolRequest, hub: HubDep) -> EnrolResponse:
    return enrol_service.enrol(hub.database, hub.keys, request=request, ca_pem=hub.ca_pem,
                               max_bundle_bytes=hub.max_bytes, now_ms=hub.clock_ms())
