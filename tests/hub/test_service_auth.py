"""Signed requests through the service layer: signature, the 5-minute window, nonce replay,
unknown and revoked devices (the wipe order verifies with the hub key; a forged one does not,
T06/T32), and old nonces pruned."""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from db_fixtures import Laptop, database, db_url, enrol_laptop, hub_data, hub_keys, now_ms  # noqa: F401
from sqlalchemy import func, select

from sync.hub.service import auth, devices
from sync.hub.service.errors import Refused
from sync.hub.store.tables import devices as devices_table
from sync.hub.store.tables import nonces
from sync.protocol import seal
from sync.protocol.errors import BadSignature

PATH = "/v1/changes?cursor=0&limit=10"


def _auth(db, keys, headers, *, at, method="GET", path=PATH, body=b""):  # noqa: ANN001, ANN202
    return auth.authenticate(db, method=method, path=path, body=body, headers=headers, now_ms=at,
                             keys=keys)


def _refused(db, keys, headers, **kw):  # noqa: ANN001, ANN202
    with pytest.raises(Refused) as refused:
        _auth(db, keys, headers, **kw)
    return refused.value


def test_a_signed_request_names_its_device(database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    at = now_ms()
    device = _auth(database, hub_keys, laptop.headers("GET", PATH, at_ms=at), at=at)
    assert device.device_id == laptop.device_id and device.active
    lower = {k.lower(): v for k, v in laptop.headers("GET", PATH, at_ms=at).items()}
    assert _auth(database, hub_keys, lower, at=at).device_id == laptop.device_id
    with database.begin() as conn:
        assert conn.execute(select(devices_table.c.last_seen)).scalar_one() == at


def test_bad_signatures_and_stale_times_are_401(database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    at = now_ms()
    good = laptop.headers("POST", "/v1/bundles", b"body", at_ms=at)
    cases = {
        "other path": dict(path="/v1/enrol"),
        "other method": dict(method="GET"),
        "other body": dict(body=b"bodx"),
        "too old": dict(at=at + 5 * 60 * 1000 + 1),
        "too new": dict(at=at - 5 * 60 * 1000 - 1),
    }
    for name, change in cases.items():
        kw = {"method": "POST", "path": "/v1/bundles", "body": b"body", "at": at, **change}
        refused = _refused(database, hub_keys, good, **kw)
        assert (refused.status, refused.code) == (401, "bad_request_signature"), name
    other_key = Laptop(hub=hub_keys)
    forged = {**other_key.headers("GET", PATH, at_ms=at),
              "X-Fieldapp-Device": laptop.device_id}
    assert _refused(database, hub_keys, forged, at=at).status == 401
    for broken in ({}, {"X-Fieldapp-Device": laptop.device_id},
                   {**good, "X-Fieldapp-Signature": "not base64!"},
                   {**good, "X-Fieldapp-Time": "soon"},
                   {**good, "X-Fieldapp-Nonce": "x" * 65},
                   {**good, "X-Fieldapp-Nonce": "a\x00b"},
                   {**good, "X-Fieldapp-Device": "not-an-id\x00"}):
        assert _refused(database, hub_keys, broken, method="POST", path="/v1/bundles",
                        body=b"body", at=at).status == 401


def test_a_replayed_nonce_is_401(database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    at = now_ms()
    headers = laptop.headers("GET", PATH, at_ms=at)
    _auth(database, hub_keys, headers, at=at)
    refused = _refused(database, hub_keys, headers, at=at + 1000)
    assert (refused.status, refused.code) == (401, "bad_request_signature")
    assert "nonce" in refused.message


def test_old_nonces_are_pruned_but_kept_through_the_window(database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    at = now_ms()
    first = laptop.headers("GET", PATH, at_ms=at)
    _auth(database, hub_keys, first, at=at)
    later = at + auth.NONCE_KEEP_MS - 1
    _auth(database, hub_keys, laptop.headers("GET", PATH, at_ms=later), at=later)
    with database.begin() as conn:
        assert conn.execute(select(func.count()).select_from(nonces)).scalar_one() == 2
    much_later = at + auth.NONCE_KEEP_MS + 10
    _auth(database, hub_keys, laptop.headers("GET", PATH, at_ms=much_later), at=much_later)
    with database.begin() as conn:
        assert conn.execute(select(func.count()).select_from(nonces)).scalar_one() == 2


def test_unknown_device_is_403_without_a_wipe(database, hub_keys):
    stranger = Laptop(hub=hub_keys)
    at = now_ms()
    refused = _refused(database, hub_keys, stranger.headers("GET", PATH, at_ms=at), at=at)
    assert (refused.status, refused.code) == (403, "unknown_device")
    assert "wipe" not in refused.extras


def test_revoked_device_gets_a_signed_wipe_order(database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    at = now_ms()
    devices.revoke(database, laptop.device_id, reason="lost on a bus", actor="coord", now_ms=at)
    refused = _refused(database, hub_keys, laptop.headers("GET", PATH, at_ms=at), at=at)
    assert (refused.status, refused.code) == (403, "revoked")
    order = seal.verify_statement(refused.extras["wipe"], hub_keys.pairs.signing.public_key(),
                                  kind="wipe")
    assert order == {"type": "wipe", "device_id": laptop.device_id, "reason": "revoked",
                     "issued_at": at}
    # A forged order (another key) or an edited one does not verify with the pinned hub key.
    forged = seal.sign_statement(dict(order), Ed25519PrivateKey.generate())
    with pytest.raises(BadSignature):
        seal.verify_statement(forged, hub_keys.pairs.signing.public_key(), kind="wipe")
    edited = {"statement": dict(order, device_id="AAAA-AAAA"), "sig": refused.extras["wipe"]["sig"]}
    with pytest.raises(BadSignature):
        seal.verify_statement(edited, hub_keys.pairs.signing.public_key(), kind="wipe")
    # A revoked device whose signature is bad is not told anything more than 401.
    bad = {**laptop.headers("GET", PATH, at_ms=at), "X-Fieldapp-Signature": "A" * 86 + "=="}
    assert _refused(database, hub_keys, bad, at=at).status == 401
