"""Signed requests: who is calling, checked before anything else is read from the database.

A request names its device, and is signed with that device's Ed25519 key over the method, the
path with its query, the body's SHA-256, a time and a random nonce (sync.protocol.auth). The hub
refuses a time more than 5 minutes from its clock and a nonce the device has used before within
the window (nonces are kept for twice the window, then pruned). A revoked device that signs
correctly is told to wipe itself, with an order signed by the hub's key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite

from sync.hub.keys import HubKeys
from sync.hub.service.devices import REVOKED, Device, load
from sync.hub.service.errors import Refused
from sync.hub.store.db import Database
from sync.hub.store.tables import devices, nonces
from sync.protocol import auth as wire_auth
from sync.protocol import seal

NONCE_KEEP_MS = 2 * wire_auth.WINDOW_MS
BAD_REQUEST_SIGNATURE = "bad_request_signature"
_DEVICE_FORM = re.compile(r"^[A-Z2-7-]{1,64}$")
_NONCE_FORM = re.compile(r"^[A-Za-z0-9+/=_-]{1,64}$")


def wipe_order(keys: HubKeys, *, device_id: str, now_ms: int) -> dict:
    """The hub-signed order a revoked laptop obeys (it checks the key and its own id)."""
    return seal.sign_statement({"type": "wipe", "device_id": device_id, "reason": "revoked",
                                "issued_at": now_ms}, keys.pairs.signing)


def _headers(headers: Mapping[str, str]) -> dict[str, str]:
    lower = {str(k).lower(): v for k, v in headers.items()}
    out = {}
    for name in (wire_auth.DEVICE, wire_auth.TIME, wire_auth.NONCE, wire_auth.SIGNATURE):
        value = lower.get(name.lower())
        if isinstance(value, str):
            out[name] = value
    return out


def _refuse(message: str) -> Refused:
    return Refused(401, BAD_REQUEST_SIGNATURE, message)


def _insert_nonce(conn, device_id: str, nonce: str, now_ms: int) -> bool:  # noqa: ANN001
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT ... ON CONFLICT here.
    inserted = conn.execute(dialect.insert(nonces).values(device_id=device_id, nonce=nonce,
                                                          at=now_ms).on_conflict_do_nothing()
                            .returning(nonces.c.nonce)).first()
    return inserted is not None


def authenticate(db: Database, *, method: str, path: str, body: bytes,
                 headers: Mapping[str, str], now_ms: int, keys: HubKeys | None = None) -> Device:
    """The calling device, or Refused: 401 for a missing, malformed, wrong, stale or replayed
    signature; 403 ``unknown_device``; 403 ``revoked`` with ``wipe`` (signed with ``keys``; the
    API always passes them) for a revoked device whose signature is good."""
    fields = _headers(headers)
    device_id = fields.get(wire_auth.DEVICE, "").strip()
    if not _DEVICE_FORM.match(device_id):
        raise _refuse("the request does not name its device")
    if not _NONCE_FORM.match(fields.get(wire_auth.NONCE, "")):
        raise _refuse("the request signature headers are missing or malformed")
    with db.begin() as conn:
        device = load(conn, device_id)
        if device is None:
            raise Refused(403, "unknown_device", "this hub does not know the device")
        try:
            public = device.signing_public()
            nonce = wire_auth.check_request(public=public, method=method, path=path, body=body,
                                            headers=fields, hub_ms=now_ms)
        except ValueError as exc:
            raise _refuse(str(exc)) from None
        conn.execute(delete(nonces).where(nonces.c.at < now_ms - NONCE_KEEP_MS))
        if not _insert_nonce(conn, device_id, nonce, now_ms):
            raise _refuse("the request was already received (its nonce was used before)")
        if device.state != REVOKED:
            conn.execute(update(devices).where(devices.c.device_id == device_id)
                         .values(last_seen=now_ms))
    if device.state == REVOKED:
        extras = {} if keys is None else {
            "wipe": wipe_order(keys, device_id=device_id, now_ms=now_ms)}
        raise Refused(403, "revoked", "this device was revoked at the hub; it must not keep "
                                      "case data", **extras)
    return device
