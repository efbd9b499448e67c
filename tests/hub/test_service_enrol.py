"""Enrolment through the service layer (T22): one-time codes, expiry, the device id check, the
signed device record, and codes stored only as hashes."""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

import re

import pytest
from db_fixtures import FAKE_CA, MAX, Laptop, database, db_url, hub_data, hub_keys, now_ms  # noqa: F401
from sqlalchemy import select

from sync.hub.service import audit, enrol
from sync.hub.service.errors import Refused
from sync.hub.store.tables import devices, enrol_codes
from sync.protocol import seal
from sync.protocol.keys import ed25519_public, x25519_public


def _enrol(db, keys, laptop, code, *, at, device_id=None):  # noqa: ANN001, ANN202
    return enrol.enrol(db, keys, request=laptop.enrol_request(code, device_id=device_id),
                       ca_pem=FAKE_CA, max_bundle_bytes=MAX, now_ms=at)


def test_code_is_long_random_grouped_and_stored_hashed(database, hub_keys):
    at = now_ms()
    code = enrol.make_code(database, user="Jo Bloggs", role="idva", staff_code="IDVA01",
                           bcu="west", team="T1", now_ms=at)
    assert re.fullmatch(r"([A-Z2-7]{5}-){4}[A-Z2-7]{5}", code)  # 25 base32 chars: 125 bits
    other = enrol.make_code(database, user="Jo Bloggs", role="idva", staff_code="IDVA01",
                            now_ms=at)
    assert other != code
    with database.begin() as conn:
        rows = conn.execute(select(enrol_codes)).all()
    assert {r.code_hash for r in rows} == {enrol.code_hash(code), enrol.code_hash(other)}
    for row in rows:
        assert code.replace("-", "") not in str(tuple(row)) and code not in str(tuple(row))
        assert row.expires_at == at + 10 * 60 * 1000
    assert next(r for r in rows if r.code_hash == enrol.code_hash(code)).bcu == "WEST"


def test_enrol_answers_with_hub_keys_and_a_signed_record(database, hub_keys):
    at = now_ms()
    code = enrol.make_code(database, user="Jo Bloggs", role="supervisor", staff_code="SUP1",
                           bcu="EAST", team="T2", now_ms=at)
    laptop = Laptop(hub=hub_keys)
    answer = _enrol(database, hub_keys, laptop, code.lower(), at=at + 1000)  # typed in lower case
    assert answer.device_id == laptop.device_id
    assert (answer.user, answer.role, answer.staff_code, answer.bcu, answer.team) == (
        "Jo Bloggs", "supervisor", "SUP1", "EAST", "T2")
    assert answer.hub_kid == hub_keys.kid and answer.ca_pem == FAKE_CA
    assert answer.max_bundle_bytes == MAX and answer.hub_time == at + 1000
    hub_signing = ed25519_public(answer.hub_signing_key)
    x25519_public(answer.hub_sealing_key)
    record = seal.verify_statement(answer.record, hub_signing, kind="device_record")
    assert record["device_id"] == laptop.device_id
    assert record["signing_key"] == laptop.pairs.signing_public_b64
    assert record["sealing_key"] == laptop.pairs.sealing_public_b64
    assert record["role"] == "supervisor" and record["not_after"] > at
    assert set(record) >= {"type", "device_id", "user_id", "role", "staff_code", "bcu", "team",
                           "signing_key", "sealing_key", "not_after"}
    with database.begin() as conn:
        row = conn.execute(select(devices)).one()
    assert row.state == "active" and row.last_seq == 0 and row.user_id == answer.user_id
    assert audit.verify(database)


def test_code_is_single_use(database, hub_keys):
    at = now_ms()
    code = enrol.make_code(database, user="A", role="idva", staff_code="I1", now_ms=at)
    _enrol(database, hub_keys, Laptop(hub=hub_keys), code, at=at)
    with pytest.raises(Refused) as second:
        _enrol(database, hub_keys, Laptop(hub=hub_keys), code, at=at + 1)
    assert (second.value.status, second.value.code) == (403, "bad_code")


def test_expired_unknown_and_used_codes_get_one_answer(database, hub_keys):
    at = now_ms()
    expired = enrol.make_code(database, user="A", role="idva", staff_code="I1", now_ms=at)
    used = enrol.make_code(database, user="A", role="idva", staff_code="I1", now_ms=at)
    _enrol(database, hub_keys, Laptop(hub=hub_keys), used, at=at)
    answers = []
    for code, when in ((expired, at + 10 * 60 * 1000 + 1), ("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", at),
                       (used, at + 5)):
        with pytest.raises(Refused) as refused:
            _enrol(database, hub_keys, Laptop(hub=hub_keys), code, at=when)
        answers.append((refused.value.status, refused.value.code, refused.value.message))
    assert len(set(answers)) == 1 and answers[0][:2] == (403, "bad_code")
    assert "AAAAA" not in answers[0][2]
    # Still valid at the last millisecond of its ten minutes.
    fresh = enrol.make_code(database, user="A", role="idva", staff_code="I1", now_ms=at)
    _enrol(database, hub_keys, Laptop(hub=hub_keys), fresh, at=at + 10 * 60 * 1000)


def test_wrong_device_id_is_refused_and_the_code_survives(database, hub_keys):
    at = now_ms()
    code = enrol.make_code(database, user="A", role="idva", staff_code="I1", now_ms=at)
    laptop, other = Laptop(hub=hub_keys), Laptop(hub=hub_keys)
    with pytest.raises(Refused) as refused:
        _enrol(database, hub_keys, laptop, code, at=at, device_id=other.device_id)
    assert (refused.value.status, refused.value.code) == (409, "device_id_mismatch")
    with database.begin() as conn:
        assert conn.execute(select(devices)).all() == []
    assert _enrol(database, hub_keys, laptop, code, at=at).device_id == laptop.device_id


def test_bad_keys_and_roles_are_malformed(database, hub_keys):
    at = now_ms()
    with pytest.raises(Refused) as role:
        enrol.make_code(database, user="A", role="admin", now_ms=at)
    assert role.value.status == 400
    with pytest.raises(Refused) as nameless:
        enrol.make_code(database, user=" ", role="idva", staff_code="I1", now_ms=at)
    assert nameless.value.status == 400
    with pytest.raises(Refused) as control:
        enrol.make_code(database, user="A\x00", role="idva", now_ms=at)
    assert control.value.status == 400
    code = enrol.make_code(database, user="A", role="coordinator", now_ms=at)
    laptop = Laptop(hub=hub_keys)
    request = laptop.enrol_request(code).model_copy(update={"device_signing_key": "bm90IGEga2V5"})
    with pytest.raises(Refused) as bad:
        enrol.enrol(database, hub_keys, request=request, ca_pem=FAKE_CA, max_bundle_bytes=MAX,
                    now_ms=at)
    assert (bad.value.status, bad.value.code) == (400, "malformed")


def test_revoked_device_cannot_enrol_again_with_the_same_key(database, hub_keys):
    from sync.hub.service import devices as device_service

    at = now_ms()
    laptop = Laptop(hub=hub_keys)
    _enrol(database, hub_keys, laptop,
           enrol.make_code(database, user="A", role="idva", staff_code="I1", now_ms=at), at=at)
    device_service.revoke(database, laptop.device_id, reason="lost", actor="coord", now_ms=at)
    code = enrol.make_code(database, user="A", role="idva", staff_code="I1", now_ms=at)
    with pytest.raises(Refused) as refused:
        _enrol(database, hub_keys, laptop, code, at=at)
    assert (refused.value.status, refused.value.code) == (409, "device_revoked")
