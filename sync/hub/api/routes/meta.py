"""Unauthenticated: health and the station CA certificate."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from sync.hub.api.deps import HubDep
from sync.hub.api.routes.responses import errors

router = APIRouter(prefix="/v1", tags=["public"])


class Health(BaseModel):
    status: str


class Ca(BaseModel):
    ca_pem: str


@router.get("/health", response_model=Health, responses=errors(500))
def health() -> Health:
    """Answers without authentication; says nothing but ok."""
    return Health(status="ok")


@router.get("/ca", response_model=Ca, responses=errors(500))
def ca(hub: HubDep) -> Ca:
    """The station CA certificate (public); the laptop checks its fingerprint before use."""
    return Ca(ca_pem=hub.ca_pem)
