"""The API's dependencies, in one place: the hub's parts, the raw body (read once, bounded),
the path as the device signed it, and the authenticated device."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from sync.hub.config import HubConfig
from sync.hub.keys import HubKeys
from sync.hub.service import auth
from sync.hub.service.devices import Device
from sync.hub.service.errors import Refused
from sync.hub.store.db import Database


@dataclass(frozen=True)
class Hub:
    """What ``create_app`` was given; kept on ``app.state.hub``."""

    config: HubConfig
    keys: HubKeys
    database: Database
    ca_pem: str
    clock_ms: Callable[[], int]

    @property
    def max_bytes(self) -> int:
        return self.config.max_bundle_bytes


def get_hub(request: Request) -> Hub:
    return request.app.state.hub


HubDep = Annotated[Hub, Depends(get_hub)]


def too_large(max_bytes: int) -> Refused:
    return Refused(413, "oversized", "the request is larger than this hub accepts; the laptop "
                                     "splits bundles to fit", max_bytes=max_bytes)


async def raw_body(request: Request, hub: HubDep) -> bytes:
    """The request body, read once and never past ``max_bundle_bytes`` (a declared
    Content-Length above it is refused before a byte is read)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > hub.max_bytes:
                raise too_large(hub.max_bytes)
        except ValueError:
            raise Refused(400, "malformed", "the Content-Length header is not a number") from None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > hub.max_bytes:
            raise too_large(hub.max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


BodyDep = Annotated[bytes, Depends(raw_body)]


def signed_path(request: Request) -> str:
    """The path with its query exactly as sent (what ``sign_request`` covered)."""
    raw = request.scope.get("raw_path") or request.scope.get("path", "").encode("utf-8")
    path = raw.decode("latin-1")
    query = request.scope.get("query_string", b"")
    return f"{path}?{query.decode('latin-1')}" if query else path


def authenticated_device(request: Request, body: BodyDep, hub: HubDep) -> Device:
    return auth.authenticate(hub.database, method=request.method, path=signed_path(request),
                             body=body, headers=request.headers, now_ms=hub.clock_ms(),
                             keys=hub.keys)


DeviceDep = Annotated[Device, Depends(authenticated_device)]
