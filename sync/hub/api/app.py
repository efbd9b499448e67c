"""``create_app``: the hub's FastAPI application (thin routers over sync.hub.service)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from sync.hub.api import errors
from sync.hub.api.deps import Hub
from sync.hub.api.middleware import HubMiddleware
from sync.hub.api.routes import admin, router
from sync.hub.config import HubConfig
from sync.hub.keys import HubKeys
from sync.hub.store.db import Database


def _wall_ms() -> int:
    return int(time.time() * 1000)


def create_app(*, config: HubConfig, keys: HubKeys, database: Database, ca_pem: str,
               clock_ms: Callable[[], int] | None = None) -> FastAPI:
    """The sync API. ``clock_ms`` (tests) replaces the hub's wall clock."""
    clock = clock_ms or _wall_ms
    app = FastAPI(title="fieldapp-hub", version="1", summary="Operation Provide station hub",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.hub = Hub(config=config, keys=keys, database=database, ca_pem=ca_pem,
                        clock_ms=clock)
    app.include_router(router)
    app.include_router(admin.router)
    errors.install(app)
    app.add_middleware(HubMiddleware, max_bytes=config.max_bundle_bytes, clock_ms=clock)
    app.openapi = _openapi_without_422(app)  # type: ignore[method-assign]
    return app


def _openapi_without_422(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI documents a 422 it never sends here (validation answers 400 ``malformed``)."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = original()
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                operation.get("responses", {}).pop("422", None)
        for name in ("HTTPValidationError", "ValidationError"):
            schema.get("components", {}).get("schemas", {}).pop(name, None)
        app.openapi_schema = schema
        return schema

    return openapi
