"""Enrolment: a one-time code made by the coordinator, spent by one laptop for its device record.

The code is 125 random bits (25 base32 characters, shown in groups of five), valid for ten
minutes and once; the hub stores only its SHA-256, so a copy of the database cannot enrol
anything. An unknown, used or expired code gets one answer, so the answer tells a guesser
nothing. The device id the laptop shows must be its key's fingerprint (``device_id_for``).
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from typing import Any

from sqlalchemy import insert, select, update

from sync.hub.keys import HubKeys
from sync.hub.service import audit
from sync.hub.service.devices import REVOKED, normalise_id
from sync.hub.service.errors import Refused
from sync.hub.store.db import Database
from sync.hub.store.tables import devices, enrol_codes
from sync.protocol import seal
from sync.protocol.canonical import b64
from sync.protocol.keys import device_id_for, ed25519_public, raw_public, x25519_public
from sync.protocol.models import EnrolRequest, EnrolResponse

ROLES = ("idva", "supervisor", "coordinator")
CODE_TTL_MS = 10 * 60 * 1000
RECORD_TTL_MS = 365 * 24 * 3600 * 1000
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_CODE_CHARS = 25  # 125 bits
BAD_CODE = ("That enrolment code is not valid: it may be mistyped, already used or more than "
            "10 minutes old. Ask the coordinator for a new one.")


def _now() -> int:
    return int(time.time() * 1000)


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch in _ALPHABET)


def code_hash(code: str) -> str:
    return hashlib.sha256(_normalise_code(code).encode("ascii")).hexdigest()


def user_id_for(user: str, staff_code: str) -> str:
    """A stable id for the person (the same on each of their devices)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL,
                          f"fieldapp-hub:user:{user.strip().casefold()}:{staff_code.strip()}"))


def _field(value: str, limit: int, name: str) -> str:
    value = (value or "").strip()
    if len(value) > limit or any(ord(ch) < 32 for ch in value):
        raise Refused(400, "malformed", f"the {name} is too long or holds control characters")
    return value


def make_code(db: Database, *, user: str, role: str, staff_code: str = "", bcu: str = "",
              team: str = "", now_ms: int | None = None, actor: str = "hub-admin") -> str:
    """A new one-time enrolment code for ``user`` in ``role`` (returned once, stored hashed).

    An IDVA's cases are those allocated to their staff code, so an IDVA enrolled without one
    receives no cases from the hub (their own pushes still sync)."""
    now_ms = _now() if now_ms is None else now_ms
    if role not in ROLES:
        raise Refused(400, "malformed", "the role must be idva, supervisor or coordinator")
    user = _field(user, 120, "user name")
    if not user:
        raise Refused(400, "malformed", "the code needs the user's name")
    body = "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_CHARS))
    code = "-".join(body[i:i + 5] for i in range(0, _CODE_CHARS, 5))
    with db.begin() as conn:
        conn.execute(insert(enrol_codes).values(
            code_hash=code_hash(code), user=user, role=role,
            staff_code=_field(staff_code, 40, "staff code"), bcu=_field(bcu, 16, "BCU").upper(),
            team=_field(team, 40, "team"), created_at=now_ms, expires_at=now_ms + CODE_TTL_MS))
        audit.append(conn, at=now_ms, actor=actor, action=audit.Action.ENROLMENT,
                     record_type="enrol_code", record_id=code_hash(code)[:16],
                     purpose=f"code made for a {role}")
    return code


def device_record(keys: HubKeys, *, device_id: str, user_id: str, role: str, staff_code: str,
                  bcu: str, team: str, signing_key: str, sealing_key: str,
                  not_after: int) -> dict[str, Any]:
    return seal.sign_statement({
        "type": "device_record", "device_id": device_id, "user_id": user_id, "role": role,
        "staff_code": staff_code, "bcu": bcu, "team": team, "signing_key": signing_key,
        "sealing_key": sealing_key, "not_after": not_after}, keys.pairs.signing)


def enrol(db: Database, keys: HubKeys, *, request: EnrolRequest, ca_pem: str,
          max_bundle_bytes: int, now_ms: int) -> EnrolResponse:
    """Spend the code: record the device and answer with the hub's keys and a signed record."""
    try:
        signing = ed25519_public(request.device_signing_key)
        x25519_public(request.device_sealing_key)
    except ValueError:
        raise Refused(400, "malformed", "the device keys are not Ed25519 and X25519 public "
                                        "keys") from None
    digest = code_hash(request.code)
    with db.begin() as conn:
        code = conn.execute(select(enrol_codes).where(enrol_codes.c.code_hash == digest)
                            .with_for_update()).first()
        if code is None or code.used_at is not None or code.expires_at < now_ms:
            raise Refused(403, "bad_code", BAD_CODE)
        device_id = device_id_for(signing)
        if normalise_id(request.device_id) != device_id:
            raise Refused(409, "device_id_mismatch",
                          "the device id this laptop shows is not the fingerprint of its key; "
                          "nothing was enrolled")
        existing = conn.execute(select(devices.c.state)
                                .where(devices.c.device_id == device_id).with_for_update()).first()
        if existing is not None and existing.state == REVOKED:
            raise Refused(409, "device_revoked",
                          "this laptop's key was revoked; it must be reset (new keys) before it "
                          "can enrol again")
        user_id = user_id_for(code.user, code.staff_code)
        not_after = now_ms + RECORD_TTL_MS
        values = {"user_id": user_id, "user": code.user, "role": code.role,
                  "staff_code": code.staff_code, "bcu": code.bcu, "team": code.team,
                  "label": request.label.strip()[:80], "signing_key": request.device_signing_key,
                  "sealing_key": request.device_sealing_key, "not_after": not_after}
        if existing is None:
            conn.execute(insert(devices).values(device_id=device_id, enrolled_at=now_ms,
                                                state="active", **values))
        else:  # the same key again (a lost answer, or a new user on the laptop): refresh it
            conn.execute(update(devices).where(devices.c.device_id == device_id).values(**values))
        conn.execute(update(enrol_codes).where(enrol_codes.c.code_hash == digest)
                     .values(used_at=now_ms, used_by=device_id))
        audit.append(conn, at=now_ms, actor=code.user, action=audit.Action.ENROLMENT,
                     record_type="device", record_id=device_id,
                     purpose=f"enrolled as {code.role}" if existing is None
                     else f"enrolled again as {code.role}")
    record = device_record(keys, device_id=device_id, user_id=user_id, role=code.role,
                           staff_code=code.staff_code, bcu=code.bcu, team=code.team,
                           signing_key=request.device_signing_key,
                           sealing_key=request.device_sealing_key, not_after=not_after)
    return EnrolResponse(
        device_id=device_id, user_id=user_id, user=code.user, role=code.role,
        staff_code=code.staff_code, bcu=code.bcu, team=code.team, hub_kid=keys.kid,
        hub_signing_key=b64(raw_public(keys.pairs.signing.public_key())),
        hub_sealing_key=b64(raw_public(keys.pairs.sealing.public_key())), ca_pem=ca_pem,
        max_bundle_bytes=max_bundle_bytes, hub_time=now_ms, record=record)
