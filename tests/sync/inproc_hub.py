"""The real hub's FastAPI app (``sync.hub``: its store on SQLite or PostgreSQL, its service use
cases), called in-process by the laptop's real sync client through a blocking bridge to
``httpx.ASGITransport``; laptops are real SQLCipher vaults. For tests that need many syncs:
the TLS path is tested against ``fieldapp-hub serve`` itself (test_client_hub.py, test_t15...).
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hub"))
from test_client_fakehub import HUB_URL, Laptop, make_ca, new_laptop  # noqa: E402

from fieldapp.services.sync import enrol as laptop_enrol  # noqa: E402
from fieldapp.services.sync import run  # noqa: E402
from fieldapp.services.sync.report import SyncReport  # noqa: E402
from sync.hub.config import HubConfig  # noqa: E402
from sync.hub.keys import HubKeys  # noqa: E402
from sync.hub.service import enrol as hub_enrol  # noqa: E402
from sync.hub.store.db import Database  # noqa: E402


class AsgiBridge(httpx.BaseTransport):
    """A blocking transport onto an ASGI app: each request runs in its own event loop."""

    def __init__(self, app: Any):
        self.app = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=HUB_URL) as client:
                answer = await client.request(request.method, request.url, content=body,
                                              headers=request.headers)
                await answer.aread()
                return answer

        answer = asyncio.run(go())
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)


def no_sleep(_seconds: float) -> None:
    return None


@dataclass
class Station:
    database: Database
    keys: HubKeys
    folder: Path
    offset_ms: int = 0
    """Added to the hub's clock (a hub whose clock differs from the laptops')."""
    laptops: list[Laptop] = field(default_factory=list)

    def __post_init__(self) -> None:
        from sync.hub.api.app import create_app

        self.ca = make_ca()
        self.app = create_app(config=HubConfig(max_bundle_bytes=1024 * 1024), keys=self.keys,
                              database=self.database, ca_pem=self.ca.pem,
                              clock_ms=lambda: int(time.time() * 1000) + self.offset_ms)
        self.transport = AsgiBridge(self.app)

    def laptop(self, name: str, *, role: str = "idva", staff_code: str = "", bcu: str = "",
               team: str = "") -> Laptop:
        """A new vault enrolled with this hub."""
        made = new_laptop(self.folder / name, user=name, role=role)
        self.laptops.append(made)
        code = hub_enrol.make_code(self.database, user=name, role=role, staff_code=staff_code,
                                   bcu=bcu, team=team)
        laptop_enrol.enrol(store=made.store, hub_url=HUB_URL, code=code,
                           ca_fingerprint=self.ca.fingerprint, label=name,
                           transport=self.transport)
        return made

    def sync(self, laptop: Laptop) -> SyncReport:
        return run.sync_now(vault=laptop.vault, store=laptop.store, transport=self.transport,
                            sleep=no_sleep)

    def close(self) -> None:
        for laptop in self.laptops:
            laptop.vault.lock()
