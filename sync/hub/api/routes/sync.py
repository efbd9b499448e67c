"""Signed calls: ``POST /v1/bundles`` (push) and ``GET /v1/changes`` (pull)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from sync.hub.api.deps import BodyDep, DeviceDep, HubDep, signed_path
from sync.hub.api.routes.responses import SIGNED_HEADERS, errors
from sync.hub.service import auth, pull, push

router = APIRouter(prefix="/v1", tags=["sync"])

_OCTETS = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}


class PushAnswer(BaseModel):
    status: str
    """``applied`` or ``duplicate``."""
    receipt: dict[str, Any]
    """The hub-signed receipt statement (``{"statement": {...}, "sig": ...}``)."""


@router.post(
    "/bundles", response_model=PushAnswer,
    responses=errors(400, 401, 403, 409, 413, 500),
    openapi_extra={"parameters": SIGNED_HEADERS,
                   "requestBody": {"required": True, "content": _OCTETS,
                                   "description": "a sealed push bundle (sync.protocol.seal)"}})
def push_bundle(request: Request, body: BodyDep, hub: HubDep) -> dict[str, Any]:
    """Steps 1-2 (size, framing) before the signature and the device (3), then 4-9."""
    push.precheck(body=body, max_bytes=hub.max_bytes)
    device = auth.authenticate(hub.database, method=request.method, path=signed_path(request),
                               body=body, headers=request.headers, now_ms=hub.clock_ms(),
                               keys=hub.keys)
    return push.accept_bundle(hub.database, hub.keys, device=device, body=body,
                              max_bytes=hub.max_bytes, now_ms=hub.clock_ms())


@router.get(
    "/changes", response_class=Response,
    responses={200: {"content": _OCTETS, "description": "a sealed pull page"},
               **errors(400, 401, 403, 500)},
    openapi_extra={"parameters": SIGNED_HEADERS})
def changes(device: DeviceDep, hub: HubDep,
            cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
            limit: Annotated[int, Query(ge=1, le=pull.MAX_LIMIT)] = pull.DEFAULT_LIMIT
            ) -> Response:
    page = pull.changes_page(hub.database, hub.keys, device=device, cursor=cursor, limit=limit,
                             now_ms=hub.clock_ms())
    return Response(content=page, media_type="application/octet-stream")
