"""Offline transfer (USB): a laptop's bundle file through the same checks and transaction as a
push, and a reply with the receipts and the pull pages of a device-signed, fresh pull request."""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

import json

import pytest
from db_fixtures import (  # noqa: F401
    Laptop,
    database,
    db_url,
    enrol_laptop,
    hub_data,
    hub_keys,
    new_case_ops,
    now_ms,
)
from sqlalchemy import func, select

from sync.hub.service import devices, transfer
from sync.hub.service.errors import Refused
from sync.hub.store.tables import ops
from sync.protocol import seal
from sync.protocol.canonical import b64, canonical, unb64

MAX = 1 << 20


def _file(laptop, bodies, *, cursor=0, issued_at=None, signer=None, pull=True):  # noqa: ANN001, ANN202
    doc = {"format": "fieldapp-transfer", "v": 1, "device_id": laptop.device_id,
           "bundles": [b64(b) for b in bodies]}
    if pull:
        doc["pull"] = seal.sign_statement(
            {"type": "pull_request", "device_id": laptop.device_id, "cursor": cursor,
             "issued_at": now_ms() if issued_at is None else issued_at},
            signer or laptop.pairs.signing)
    return canonical(doc)


def _reply(data: bytes) -> dict:
    reply = json.loads(data)
    assert reply["format"] == "fieldapp-reply" and reply["v"] == 1
    return reply


def test_bundles_applied_and_pages_returned(database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    first, a = new_case_ops(laptop)
    second, b = new_case_ops(laptop)
    bodies = [laptop.bundle(a), laptop.bundle(b)]
    data, summary = transfer.import_file(database, hub_keys, _file(laptop, bodies), max_bytes=MAX,
                                         now_ms=now_ms())
    reply = _reply(data)
    assert reply["device_id"] == laptop.device_id
    assert [r["status"] for r in reply["results"]] == ["applied", "applied"]
    for result, body in zip(reply["results"], bodies, strict=True):
        receipt = seal.verify_statement(result["receipt"], hub_keys.pairs.signing.public_key(),
                                        kind="receipt")
        assert receipt["bundle_id"] == result["bundle_id"] == seal.parse(
            body, kind="push").header["bundle_id"]
    assert len(reply["pages"]) == 1
    header, page = laptop.open_page(unb64(reply["pages"][0]))
    assert {c.case_id for c in page.cases} == {first.case_id, second.case_id}
    assert not header["more"]
    assert summary == {"device_id": laptop.device_id, "bundles": 2, "applied": 2,
                       "duplicate": 0, "refused": 0, "ops_applied": 4, "pages": 1,
                       "cases_sent": 2, "removed": 0, "revoked": False, "pull_error": ""}
    # The same file again: duplicates with the same receipts, nothing applied twice.
    again, summary = transfer.import_file(database, hub_keys, _file(laptop, bodies),
                                          max_bytes=MAX, now_ms=now_ms())
    assert [r["status"] for r in _reply(again)["results"]] == ["duplicate", "duplicate"]
    assert [r["receipt"] for r in _reply(again)["results"]] == [r["receipt"] for r in
                                                                 reply["results"]]
    with database.begin(read_only=True) as conn:
        assert conn.execute(select(func.count()).select_from(ops)).scalar_one() == 4


def test_a_bad_bundle_is_refused_alone(database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    _, a = new_case_ops(laptop)
    good = laptop.bundle(a)
    _, b = new_case_ops(laptop)
    gap = laptop.bundle(b, seq=5, advance=False)
    data, summary = transfer.import_file(
        database, hub_keys, canonical({**json.loads(_file(laptop, [good, gap])),
                                       "bundles": [b64(good), b64(gap), "***", 7]}),
        max_bytes=MAX, now_ms=now_ms())
    results = _reply(data)["results"]
    assert [r["status"] for r in results] == ["applied", "refused", "refused", "refused"]
    assert (results[1]["error"], results[1]["expected_seq"]) == ("seq_gap", 2)
    assert results[2]["error"] == results[3]["error"] == "malformed"
    assert summary["applied"] == 1 and summary["refused"] == 3


@pytest.mark.parametrize("problem", ["stale", "forged", "other_device", "missing"])
def test_an_invalid_pull_request_gets_no_pages(database, hub_keys, problem):
    laptop, _ = enrol_laptop(database, hub_keys)
    other = Laptop(hub=hub_keys)
    _, a = new_case_ops(laptop)
    body = laptop.bundle(a)
    kwargs = {"stale": {"issued_at": now_ms() - 25 * 3600 * 1000},
              "forged": {"signer": other.pairs.signing},
              "missing": {"pull": False}, "other_device": {}}[problem]
    data = _file(laptop, [body], **kwargs)
    if problem == "other_device":
        doc = json.loads(data)
        doc["pull"] = seal.sign_statement({"type": "pull_request", "device_id": other.device_id,
                                           "cursor": 0, "issued_at": now_ms()},
                                          laptop.pairs.signing)
        data = canonical(doc)
    reply, summary = transfer.import_file(database, hub_keys, data, max_bytes=MAX,
                                          now_ms=now_ms())
    assert _reply(reply)["pages"] == [] and summary["pull_error"]
    assert _reply(reply)["results"][0]["status"] == "applied"


def test_unknown_revoked_and_garbage_files(database, hub_keys):
    stranger = Laptop(hub=hub_keys)
    with pytest.raises(Refused) as unknown:
        transfer.import_file(database, hub_keys, _file(stranger, []), max_bytes=MAX,
                             now_ms=now_ms())
    assert (unknown.value.status, unknown.value.code) == (403, "unknown_device")
    for garbage in (b"", b"[]", b"{}", b"\xff", b'{"format": "fieldapp-transfer", "v": 2}',
                    b'{"format": "fieldapp-transfer", "v": 1, "device_id": "\\u0000",'
                    b' "bundles": []}'):
        with pytest.raises(Refused) as bad:
            transfer.import_file(database, hub_keys, garbage, max_bytes=MAX, now_ms=now_ms())
        assert bad.value.status == 400
    laptop, _ = enrol_laptop(database, hub_keys)
    _, a = new_case_ops(laptop)
    devices.revoke(database, laptop.device_id, reason="lost", actor="c", now_ms=now_ms())
    data, summary = transfer.import_file(database, hub_keys, _file(laptop, [laptop.bundle(a)]),
                                         max_bytes=MAX, now_ms=now_ms())
    reply = _reply(data)
    assert reply["pages"] == [] and summary["revoked"] and summary["refused"] == 1
    order = seal.verify_statement(reply["wipe"], hub_keys.pairs.signing.public_key(), kind="wipe")
    assert order["device_id"] == laptop.device_id
    with database.begin(read_only=True) as conn:
        assert conn.execute(select(func.count()).select_from(ops)).scalar_one() == 0
