"""The sync state kept in the vault's ``meta`` table (inside SQLCipher, never a plaintext file).

Keys, pins and cursors are rows ``sync.<name>``; read and written on the unit of work's own
connection so they commit or roll back with whatever else the transaction changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from fieldapp.services.sync.errors import NotEnrolled
from sync.protocol import keys as wire_keys
from sync.protocol.canonical import unb64

PREFIX = "sync."

# Enrolment (written once, in one transaction, by enrol.enrol)
DEVICE_SIGNING_KEY = "sync.device_signing_key"  # raw Ed25519 private key, base64
DEVICE_SEALING_KEY = "sync.device_sealing_key"  # raw X25519 private key, base64
DEVICE_ID = "sync.device_id"  # keys.device_id_for(signing public key); NOT meta 'device_id' (the HLC node)
HUB_URL = "sync.hub_url"
HUB_SIGNING_KEY = "sync.hub_signing_key"  # raw Ed25519 public key, base64 (pinned)
HUB_SEALING_KEY = "sync.hub_sealing_key"  # raw X25519 public key, base64 (pinned)
HUB_KID = "sync.hub_kid"
CA_PEM = "sync.ca_pem"  # the pinned station CA certificate
MAX_BUNDLE_BYTES = "sync.max_bundle_bytes"
USER = "sync.user"
USER_ID = "sync.user_id"
ROLE = "sync.role"
STAFF_CODE = "sync.staff_code"
BCU = "sync.bcu"
TEAM = "sync.team"
DEVICE_RECORD = "sync.device_record"  # the hub-signed device record, JSON
ENROLLED_AT = "sync.enrolled_at"
# Progress
CURSOR = "sync.cursor"  # the pull cursor (hub rev) of the last applied page
PROTOCOL_VERSION = "sync.protocol_version"  # the version the cursor and sync_cases were built with
FULL_RESTORE = "sync.full_restore"  # "1": the next pull starts from cursor 0 (scope mismatch seen offline)
DEFERRED = "sync.deferred_cases"  # JSON {case_id: rev}: not applied (local ops unacknowledged)
PENDING_REMOVALS = "sync.pending_removals"  # JSON [case_id]: out of scope, purge once acked
ACKED_AUDIT_HEAD = "sync.acked_audit_head"  # JSON {"seq", "hash"}: the newest head the hub receipted
HUB_OFFSET_MS = "sync.hub_offset_ms"  # hub clock minus this laptop's, from X-Fieldapp-Hub-Time
LAST_SYNC_AT = "sync.last_sync_at"  # ms since the epoch (laptop clock)
LAST_SYNC_OUTCOME = "sync.last_sync_outcome"  # JSON: the last SyncReport's summary
LAST_GOOD_SYNC_AT = "sync.last_good_sync_at"  # ms: the last sync that finished

ENROLMENT_KEYS = (DEVICE_SIGNING_KEY, DEVICE_SEALING_KEY, DEVICE_ID, HUB_URL, HUB_SIGNING_KEY,
                  HUB_SEALING_KEY, HUB_KID, CA_PEM, MAX_BUNDLE_BYTES, USER, USER_ID, ROLE,
                  STAFF_CODE, BCU, TEAM, DEVICE_RECORD, ENROLLED_AT)


def get(db: Any, key: str, default: str | None = None) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return default if row is None else row[0]


def put(db: Any, key: str, value: str | int) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, str(value)))


def delete(db: Any, key: str) -> None:
    db.execute("DELETE FROM meta WHERE key = ?", (key,))


def get_json(db: Any, key: str, default: Any = None) -> Any:
    text = get(db, key)
    return default if text is None else json.loads(text)


def put_json(db: Any, key: str, value: Any) -> None:
    put(db, key, json.dumps(value, sort_keys=True, separators=(",", ":")))


def get_int(db: Any, key: str, default: int = 0) -> int:
    text = get(db, key)
    return default if text is None else int(text)


def all_sync(db: Any) -> dict[str, str]:
    return dict(db.execute("SELECT key, value FROM meta WHERE key LIKE 'sync.%'").fetchall())


@dataclass(frozen=True)
class Enrolment:
    """What this laptop pinned at enrolment, with its own keys (read from ``meta``)."""

    device_id: str
    pairs: wire_keys.KeyPairs
    hub_url: str
    hub_signing: Ed25519PublicKey
    hub_sealing: X25519PublicKey
    hub_kid: str
    ca_pem: str
    max_bundle_bytes: int
    user: str
    role: str
    staff_code: str
    bcu: str
    team: str


def is_enrolled(db: Any) -> bool:
    return get(db, DEVICE_ID) is not None


def load(db: Any) -> Enrolment:
    """The enrolment, or :class:`NotEnrolled`."""
    rows = all_sync(db)
    if DEVICE_ID not in rows:
        raise NotEnrolled("this laptop is not enrolled with a station hub: ask a coordinator for "
                          "an enrolment code and run 'fieldapp enrol'")
    return Enrolment(
        device_id=rows[DEVICE_ID],
        pairs=wire_keys.KeyPairs.from_raw(unb64(rows[DEVICE_SIGNING_KEY]),
                                          unb64(rows[DEVICE_SEALING_KEY])),
        hub_url=rows[HUB_URL],
        hub_signing=wire_keys.ed25519_public(rows[HUB_SIGNING_KEY]),
        hub_sealing=wire_keys.x25519_public(rows[HUB_SEALING_KEY]),
        hub_kid=rows[HUB_KID],
        ca_pem=rows[CA_PEM],
        max_bundle_bytes=int(rows[MAX_BUNDLE_BYTES]),
        user=rows.get(USER, ""),
        role=rows.get(ROLE, ""),
        staff_code=rows.get(STAFF_CODE, ""),
        bcu=rows.get(BCU, ""),
        team=rows.get(TEAM, ""),
    )
