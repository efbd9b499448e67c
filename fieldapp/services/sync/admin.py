"""A coordinator's laptop asks the hub for enrolment codes, its device list and revocations.

Signed by this device exactly like the sync calls (``/v1/admin/...``; the hub checks the role).
Refusals come back as :class:`Refused` with the hub's words; a revoked coordinator laptop that
receives a valid wipe order is wiped here as in ``sync_now`` and :class:`Revoked` is raised.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from fieldapp.services.sync import wipe
from fieldapp.services.sync.client import Answer
from fieldapp.services.sync.errors import Refused, Revoked
from fieldapp.services.sync.refusals import error_body, raise_for
from fieldapp.services.sync.run import client_for, load_enrolment
from fieldapp.store import Store
from fieldapp.vault import Vault

log = logging.getLogger(__name__)

PREFIX = "/v1/admin"


class IssuedCode(BaseModel):
    code: str
    expires_at: datetime


class DeviceRow(BaseModel):
    """One enrolled device as the Devices page lists it."""

    device_id: str
    user: str
    role: str
    staff_code: str = ""
    bcu: str = ""
    state: str
    enrolled_at: datetime | None = None
    last_seen: datetime | None = None
    last_seq: int = 0
    revoked_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.state == "active"


def _when(ms: object) -> datetime | None:
    return datetime.fromtimestamp(int(ms) / 1000, UTC) if isinstance(ms, int) and ms > 0 else None


def _call(*, vault: Vault, store: Store, method: str, path: str, body: dict | None = None,
          doing: str, transport: httpx.BaseTransport | None = None,
          sleep: Callable[[float], None] = time.sleep) -> dict:
    enrolment = load_enrolment(store=store)
    raw = b"" if body is None else json.dumps(body, sort_keys=True).encode("utf-8")
    headers = {"Content-Type": "application/json"} if body is not None else None
    with client_for(store=store, enrolment=enrolment, transport=transport,
                    sleep=sleep) as client:
        answer: Answer = client.call(method, PREFIX + path, body=raw, headers=headers)
    if answer.status == 200:
        return answer.json()
    found = error_body(answer)
    message = found.get("message")
    if answer.status in (400, 403, 404, 409) and answer.error not in ("revoked", "unknown_device"):
        raise Refused(f"the hub refused {doing}: {message}" if isinstance(message, str)
                      else f"the hub refused {doing} ({answer.error or answer.status})",
                      code=answer.error or f"http_{answer.status}")
    try:
        raise_for(answer, enrolment=enrolment, doing=doing)
    except wipe.WipeOrdered:
        wipe.wipe_folder(vault.folder, close=vault.lock)
        raise Revoked("the station hub revoked this laptop, so its vault was wiped as ordered."
                      ) from None


def make_enrolment_code(*, vault: Vault, store: Store, user: str, role: str,
                        staff_code: str = "", bcu: str = "", team: str = "",
                        transport: httpx.BaseTransport | None = None) -> IssuedCode:
    data = _call(vault=vault, store=store, method="POST", path="/enrol-codes",
                 body={"user": user, "role": role, "staff_code": staff_code, "bcu": bcu,
                       "team": team}, doing="an enrolment code", transport=transport)
    log.info("enrolment code made at the hub", extra={"status": role})
    return IssuedCode(code=str(data["code"]), expires_at=_when(data.get("expires_at"))
                      or datetime.now(UTC))


def list_devices(*, vault: Vault, store: Store,
                 transport: httpx.BaseTransport | None = None) -> list[DeviceRow]:
    data = _call(vault=vault, store=store, method="GET", path="/devices",
                 doing="the list of devices", transport=transport)
    rows = []
    for item in data.get("devices", []):
        rows.append(DeviceRow(
            device_id=item["device_id"], user=item.get("user", ""), role=item.get("role", ""),
            staff_code=item.get("staff_code") or "", bcu=item.get("bcu") or "",
            state=item.get("state", ""), enrolled_at=_when(item.get("enrolled_at")),
            last_seen=_when(item.get("last_seen")), last_seq=item.get("last_seq") or 0,
            revoked_reason=item.get("revoked_reason")))
    return rows


def revoke_device(*, vault: Vault, store: Store, device_id: str, reason: str,
                  transport: httpx.BaseTransport | None = None) -> None:
    if not reason.strip():
        raise Refused("a revocation needs a reason (it is kept in the hub's audit log)",
                      code="reason_needed")
    _call(vault=vault, store=store, method="POST",
          path=f"/devices/{quote(device_id, safe='')}/revoke", body={"reason": reason.strip()},
          doing="the revocation", transport=transport)
    log.info("device revoked from this laptop", extra={"device_id": device_id})
