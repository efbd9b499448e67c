"""Receiving push bundles through the service layer: steps 1-9 of docs/sync-protocol.md, each
refusal applying nothing (T05-T09, T30), duplicates answered with the same receipt, quarantine of
ops stamped too far ahead, and the cases' revs and scope fields kept current."""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

import json

import pytest
from db_fixtures import (  # noqa: F401
    MAX,
    Laptop,
    allocation_op,
    database,
    db_url,
    enrol_laptop,
    hub_data,
    hub_keys,
    load_device,
    new_case_ops,
    now_ms,
    voice_op,
)
from sqlalchemy import func, select

from sync.hub.service import audit, devices, push
from sync.hub.service.errors import Refused
from sync.hub.store.tables import cases, counters, ops, received_bundles
from sync.hub.store.tables import devices as devices_table
from sync.protocol import seal
from sync.protocol.canonical import canonical


def _push(db, keys, laptop, body, *, at=None, max_bytes=MAX):  # noqa: ANN001, ANN202
    return push.accept_bundle(db, keys, device=load_device(db, laptop), body=body,
                              max_bytes=max_bytes, now_ms=now_ms() if at is None else at)


def _state(db):  # noqa: ANN001, ANN202
    """(ops, received bundles, device last_seq, change counter): what a refusal must not move."""
    with db.begin() as conn:
        return (conn.execute(select(func.count()).select_from(ops)).scalar_one(),
                conn.execute(select(func.count()).select_from(received_bundles)).scalar_one(),
                conn.execute(select(devices_table.c.last_seq)).scalars().all(),
                conn.execute(select(counters.c.value).where(counters.c.name == "change"))
                .scalar_one())


def _refused(db, keys, laptop, body, **kw):  # noqa: ANN001, ANN202
    before = _state(db)
    with pytest.raises(Refused) as refused:
        _push(db, keys, laptop, body, **kw)
    assert _state(db) == before, "a refusal applied something"
    return refused.value


def _flip(body: bytes, index: int) -> bytes:
    edited = bytearray(body)
    edited[index] ^= 0x01
    return bytes(edited)


def test_applied_then_the_same_bytes_are_a_duplicate_with_the_same_receipt(database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    ids, case_ops = new_case_ops(laptop)
    body = laptop.bundle(case_ops)
    answer = _push(database, hub_keys, laptop, body)
    assert answer["status"] == "applied"
    receipt = seal.verify_statement(answer["receipt"], hub_keys.pairs.signing.public_key(),
                                    kind="receipt")
    assert receipt["bundle_id"] == seal.parse(body, kind="push").header["bundle_id"]
    assert (receipt["seq"], receipt["applied"], receipt["duplicates"]) == (1, 2, 0)
    assert receipt["quarantined"] == [] and receipt["conflicts"] == []
    from sync.protocol.canonical import sha256_hex

    assert receipt["sha256"] == sha256_hex(body) and receipt["device_id"] == laptop.device_id
    before = _state(database)
    again = _push(database, hub_keys, laptop, body)                       # T07
    assert again == {"status": "duplicate", "receipt": answer["receipt"]}
    assert _state(database) == before
    with database.begin() as conn:
        row = conn.execute(select(devices_table)).one()
        case = conn.execute(select(cases)).one()
    assert row.last_seq == 1 and row.last_header_hash == seal.parse(body, kind="push").header_hash()
    assert (row.audit_head_seq, row.audit_head_hash) == (3, "ab" * 32)
    assert (case.case_id, case.rev, case.allocated_to, case.bcu) == (ids.case_id, 1, "IDVA01",
                                                                     "WEST")
    assert audit.verify(database)


def test_known_ops_in_a_new_bundle_are_counted_as_duplicates(database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    _, case_ops = new_case_ops(laptop)
    _push(database, hub_keys, laptop, laptop.bundle(case_ops))
    extra = voice_op(laptop, _case_ids(case_ops), "words")
    answer = _push(database, hub_keys, laptop, laptop.bundle([case_ops[0], extra, extra]))
    receipt = answer["receipt"]["statement"]
    assert (receipt["applied"], receipt["duplicates"]) == (1, 2)
    assert _state(database)[0] == 3


def _case_ids(case_ops):  # noqa: ANN001, ANN202
    from db_fixtures import CaseIds

    return CaseIds(case_id=case_ops[0].case_id, incident_id=case_ops[0].entity_id)


def test_same_bundle_id_with_other_content_is_409(database, hub_keys):      # T08
    laptop, _ = enrol_laptop(database, hub_keys)
    _, first = new_case_ops(laptop)
    body = laptop.bundle(first)
    bundle_id = seal.parse(body, kind="push").header["bundle_id"]
    _push(database, hub_keys, laptop, body)
    _, other = new_case_ops(laptop)
    reused = laptop.bundle(other, bundle_id=bundle_id, seq=1, prev_hash="0" * 64, advance=False)
    refused = _refused(database, hub_keys, laptop, reused)
    assert (refused.status, refused.code) == (409, "bundle_id_reused")
    # Even as the next bundle in sequence.
    reused = laptop.bundle(other, bundle_id=bundle_id, advance=False)
    assert _refused(database, hub_keys, laptop, reused).code == "bundle_id_reused"


def test_seq_gap_and_fork_are_409_with_expected_seq(database, hub_keys):    # T09
    laptop, _ = enrol_laptop(database, hub_keys)
    _, one = new_case_ops(laptop)
    _push(database, hub_keys, laptop, laptop.bundle(one))
    _, two = new_case_ops(laptop)
    _, three = new_case_ops(laptop)
    gap = laptop.bundle(three, seq=3, advance=False)                      # n+2 before n+1
    refused = _refused(database, hub_keys, laptop, gap)
    assert (refused.status, refused.code, refused.extras["expected_seq"]) == (409, "seq_gap", 2)
    old = laptop.bundle(three, seq=1, prev_hash="0" * 64, advance=False)  # seq <= last, new id
    refused = _refused(database, hub_keys, laptop, old)
    assert (refused.code, refused.extras["expected_seq"]) == ("seq_gap", 2)
    fork = laptop.bundle(two, prev_hash="1" * 64, advance=False)
    refused = _refused(database, hub_keys, laptop, fork)
    assert (refused.status, refused.code, refused.extras["expected_seq"]) == (409, "fork", 2)
    # The client re-sends n+1 then n+2: both apply.
    assert _push(database, hub_keys, laptop, laptop.bundle(two))["status"] == "applied"
    assert _push(database, hub_keys, laptop, laptop.bundle(three))["status"] == "applied"


def test_tampered_bundles_are_refused_before_decryption(database, hub_keys, monkeypatch):  # T05
    laptop, _ = enrol_laptop(database, hub_keys)
    _, case_ops = new_case_ops(laptop)
    body = laptop.bundle(case_ops, advance=False)
    head, _, ct = body.partition(b"\n")
    outer = json.loads(head)
    calls = []
    real_decrypt = seal.Sealed.decrypt
    monkeypatch.setattr(seal.Sealed, "decrypt",
                        lambda self, key: calls.append(1) or real_decrypt(self, key))

    # A header field edited (re-framed so it still parses): the signature no longer matches.
    edited = dict(outer["header"], hlc=outer["header"]["hlc"].replace("0", "1", 1))
    header_edit = canonical({"header": edited, "sig": outer["sig"]}) + b"\n" + ct
    # A header byte flipped in place: the bundle no longer parses as a signed header.
    header_byte = _flip(body, head.index(b'"seq"') + 2)
    # A ciphertext byte: the header's ct_sha256 no longer matches.
    ct_byte = _flip(body, len(head) + 1 + len(ct) // 2)
    # A signature byte (inside the base64 text, keeping it base64).
    sig_at = head.index(outer["sig"].encode()) + 10
    sig_byte = bytearray(body)
    sig_byte[sig_at] = ord("A") if sig_byte[sig_at] != ord("A") else ord("B")
    for name, bad in (("header field", header_edit), ("header byte", header_byte),
                      ("ciphertext byte", ct_byte), ("signature byte", bytes(sig_byte))):
        refused = _refused(database, hub_keys, laptop, bad)
        assert refused.status in (400, 401), name
        assert refused.code in ("malformed", "bad_signature"), name
    assert calls == [], "something was decrypted"
    # A ciphertext byte with its header re-signed by the device: only HPKE catches it.
    bad_ct = bytes(_flip(ct, len(ct) // 2))
    from sync.protocol.canonical import b64, sha256_hex

    resigned = dict(outer["header"], ct_sha256=sha256_hex(bad_ct))
    sig = b64(laptop.pairs.signing.sign(b"idva/push-sig/v1\0" + canonical(resigned)))
    forged = canonical({"header": resigned, "sig": sig}) + b"\n" + bad_ct
    refused = _refused(database, hub_keys, laptop, forged)
    assert (refused.status, refused.code) == (400, "undecryptable")
    assert _push(database, hub_keys, laptop, body)["status"] == "applied"


def test_another_devices_bundle_is_refused(database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    other, _ = enrol_laptop(database, hub_keys, staff_code="IDVA02")
    _, case_ops = new_case_ops(other)
    theirs = other.bundle(case_ops, advance=False)
    refused = _refused(database, hub_keys, laptop, theirs)
    assert (refused.status, refused.code) == (401, "bad_signature")
    # Signed by this laptop but naming the other device in the header.
    laptop_pairs = laptop.pairs
    impostor = Laptop(hub=hub_keys, pairs=laptop_pairs)
    impostor_body = seal.seal(
        kind="push", header_core={**seal.parse(theirs, kind="push").core()},
        payload={"bundle_id": "x"}, recipient=hub_keys.pairs.sealing.public_key(),
        signer=impostor.pairs.signing)
    assert _refused(database, hub_keys, laptop, impostor_body).code == "bad_signature"


def test_payload_that_disagrees_with_its_header_is_malformed(database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    _, case_ops = new_case_ops(laptop)
    for override in ({"seq": 7}, {"device_id": "AAAA-BBBB"}, {"bundle_id": "x"},
                     {"ops": [{"op_id": "nope"}]}, {"surprise": 1}):
        body = laptop.bundle(case_ops, advance=False, payload_override=override)
        refused = _refused(database, hub_keys, laptop, body)
        assert (refused.status, refused.code) == (400, "malformed"), override


def test_oversized_malformed_and_wrong_suite_before_decryption(database, hub_keys):  # T30
    laptop, _ = enrol_laptop(database, hub_keys)
    _, case_ops = new_case_ops(laptop)
    body = laptop.bundle(case_ops, advance=False)
    refused = _refused(database, hub_keys, laptop, body, max_bytes=len(body) - 1)
    assert (refused.status, refused.code, refused.extras["max_bytes"]) == (413, "oversized",
                                                                           len(body) - 1)
    for garbage in (b"", b"{", b"not json\nxx", b'{"header": 1, "sig": "AA=="}\n',
                    b"\xff\xfe\n\x00", b"[]\n" + b"x" * 10):
        refused = _refused(database, hub_keys, laptop, garbage)
        assert (refused.status, refused.code) == (400, "malformed"), garbage
    head, _, ct = body.partition(b"\n")
    outer = json.loads(head)
    wrong = canonical({"header": dict(outer["header"], suite="X25519/HKDF-SHA256/CHACHA20"),
                       "sig": outer["sig"]}) + b"\n" + ct
    refused = _refused(database, hub_keys, laptop, wrong)
    assert (refused.status, refused.code) == (400, "wrong_suite")


def test_revoked_and_unknown_devices_apply_nothing(database, hub_keys):      # T06
    laptop, _ = enrol_laptop(database, hub_keys)
    device = load_device(database, laptop)
    _, case_ops = new_case_ops(laptop)
    body = laptop.bundle(case_ops, advance=False)
    devices.revoke(database, laptop.device_id, reason="stolen", actor="coord", now_ms=now_ms())
    before = _state(database)
    with pytest.raises(Refused) as refused:
        push.accept_bundle(database, hub_keys, device=device, body=body, max_bytes=MAX,
                           now_ms=now_ms())
    assert (refused.value.status, refused.value.code) == (403, "revoked")
    wipe = seal.verify_statement(refused.value.extras["wipe"], hub_keys.pairs.signing.public_key(),
                                 kind="wipe")
    assert wipe["device_id"] == laptop.device_id and wipe["reason"] == "revoked"
    assert _state(database) == before


def test_ops_stamped_more_than_five_minutes_ahead_are_quarantined(database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    at = now_ms()
    ids, case_ops = new_case_ops(laptop)
    _push(database, hub_keys, laptop, laptop.bundle(case_ops), at=at)
    ahead = allocation_op(laptop, ids.case_id, "IDVA99", at_ms=at + 5 * 60 * 1000 + 1000)
    edge = voice_op(laptop, ids, "on the edge")
    edge = edge.model_copy(update={"hlc": f"{at + 5 * 60 * 1000:015d}-00000-{laptop.node}"})
    answer = _push(database, hub_keys, laptop, laptop.bundle([ahead, edge]), at=at)
    receipt = answer["receipt"]["statement"]
    assert receipt["quarantined"] == [ahead.op_id]
    assert (receipt["applied"], receipt["duplicates"]) == (1, 0)
    with database.begin() as conn:
        stored = {r.op_id: r.quarantined for r in conn.execute(select(ops))}
        case = conn.execute(select(cases)).one()
    assert stored[ahead.op_id] is True and stored[edge.op_id] is False
    assert case.allocated_to == "IDVA01", "a quarantined op changed the case"
    assert case.rev == 2


def test_each_touched_case_gets_a_distinct_new_rev_and_current_scope(database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys, role="coordinator", staff_code="")
    first, a = new_case_ops(laptop, allocated_to="IDVA01", bcu="WEST", police_ref="PR-A")
    second, b = new_case_ops(laptop, allocated_to="IDVA02", bcu="EAST", police_ref="PR-B")
    _push(database, hub_keys, laptop, laptop.bundle(a + b))
    with database.begin() as conn:
        revs = dict(conn.execute(select(cases.c.case_id, cases.c.rev)).all())
    assert sorted(revs.values()) == [1, 2]
    _push(database, hub_keys, laptop, laptop.bundle([allocation_op(laptop, first.case_id, "IDVA03")]))
    with database.begin() as conn:
        rows = {r.case_id: r for r in conn.execute(select(cases))}
    assert rows[first.case_id].rev == 3 and rows[second.case_id].rev == revs[second.case_id]
    assert (rows[first.case_id].allocated_to, rows[first.case_id].bcu,
            rows[first.case_id].police_ref) == ("IDVA03", "WEST", "PR-A")
    assert (rows[second.case_id].allocated_to, rows[second.case_id].bcu) == ("IDVA02", "EAST")


def test_unstorable_text_is_malformed_not_an_error(database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys, role="coordinator")
    ids, case_ops = new_case_ops(laptop)
    bad_author = case_ops[0].model_copy(update={"author": "a\x00b"})
    bad_id = case_ops[0].model_copy(update={"case_id": "x" * 36})
    for op in (bad_author, bad_id):
        refused = _refused(database, hub_keys, laptop, laptop.bundle([op], advance=False))
        assert (refused.status, refused.code) == (400, "malformed")
    # A lone surrogate inside a value: a valid JSON escape, but not storable as UTF-8 text.
    surrogate = voice_op(laptop, ids, "ok")
    payload = {"bundle_id": None, "device_id": laptop.device_id, "seq": 1,
               "ops": [dict(surrogate.model_dump(mode="json"), value={"words": "\ud800"})]}
    refused = _refused(database, hub_keys, laptop, _seal_ascii(laptop, hub_keys, payload))
    assert (refused.status, refused.code) == (400, "malformed")
    # NUL in a scope field is stored without it.
    ids2, nul_ops = new_case_ops(laptop, allocated_to="ID\x00VA01")
    assert _push(database, hub_keys, laptop, laptop.bundle(nul_ops))["status"] == "applied"
    with database.begin() as conn:
        assert conn.execute(select(cases.c.allocated_to)).scalar_one() == "IDVA01"


def _seal_ascii(laptop, keys, payload, *, plain=None):  # noqa: ANN001, ANN202
    """seal.seal, but the payload JSON ASCII-escaped (so it may carry a lone surrogate), or
    ``plain(bundle_id)`` as the sealed bytes."""
    from db_fixtures import new_id

    from sync.protocol.canonical import b64, sha256_hex
    from sync.protocol.keys import key_id

    bundle_id = new_id()
    payload = dict(payload, bundle_id=bundle_id)
    core = {"v": 1, "type": "push", "bundle_id": bundle_id, "device_id": laptop.device_id,
            "seq": 1, "prev_hash": "0" * 64, "hlc": laptop.hlc(),
            "hub_kid": key_id(keys.pairs.signing.public_key()), "suite": seal.SUITE_NAME}
    text = (plain(bundle_id) if plain is not None
            else json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("ascii"))
    ct = seal.SUITE.encrypt(text, keys.pairs.sealing.public_key(),
                            info=b"idva/push/v1\0" + canonical(core))
    header = {**core, "ct_len": len(ct), "ct_sha256": sha256_hex(ct)}
    sig = laptop.pairs.signing.sign(b"idva/push-sig/v1\0" + canonical(header))
    return canonical({"header": header, "sig": b64(sig)}) + b"\n" + ct


@pytest.mark.parametrize("depth", [push.MAX_VALUE_DEPTH + 1, 800, 5000])
def test_deeply_nested_contents_are_malformed(database, hub_keys, depth):
    laptop, _ = enrol_laptop(database, hub_keys)
    ids, _ = new_case_ops(laptop)
    op = voice_op(laptop, ids, "w").model_dump(mode="json")

    def plain(bundle_id):  # noqa: ANN001, ANN202
        head = json.dumps({"bundle_id": bundle_id, "device_id": laptop.device_id, "seq": 1,
                           "ops": [dict(op, value={"x": 0})]})
        nested = '{"a":' * depth + "1" + "}" * depth
        return head.replace('{"x": 0}', nested).encode()

    refused = _refused(database, hub_keys, laptop, _seal_ascii(laptop, hub_keys, {}, plain=plain))
    assert (refused.status, refused.code) == (400, "malformed")


def test_values_as_deep_as_allowed_apply(database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    ids, case_ops = new_case_ops(laptop)
    value: dict = {"end": 1}
    for _ in range(push.MAX_VALUE_DEPTH - 1):
        value = {"a": value}
    deep = laptop.op("unknown_entity", ids.case_id, ids.case_id, value)
    assert _push(database, hub_keys, laptop, laptop.bundle(case_ops + [deep]))["status"] == "applied"


def test_a_value_replay_cannot_rebuild_does_not_wedge_the_device(database, hub_keys):
    """A date whose UTC form is out of range (replay raises OverflowError on it): the bundle
    applies, the case keeps the scope it had, and later bundles still apply."""
    laptop, _ = enrol_laptop(database, hub_keys)
    ids, case_ops = new_case_ops(laptop, allocated_to="IDVA01")
    _push(database, hub_keys, laptop, laptop.bundle(case_ops))
    odd = laptop.op("incident", ids.incident_id, ids.case_id, {
        **case_ops[0].value, "police_visit_at": "0001-01-01T00:30:00+01:00"})
    assert _push(database, hub_keys, laptop, laptop.bundle([odd]))["status"] == "applied"
    with database.begin(read_only=True) as conn:
        case = conn.execute(select(cases)).one()
    assert (case.allocated_to, case.bcu, case.rev) == ("IDVA01", "WEST", 2)
    _, more = new_case_ops(laptop)
    assert _push(database, hub_keys, laptop, laptop.bundle(more))["status"] == "applied"
