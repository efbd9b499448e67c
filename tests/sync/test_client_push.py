# ruff: noqa: F811 - pytest fixtures imported from test_client_fakehub are parameters here
"""The laptop's push: sealing before sending, identical retries, splitting, receipts, errors."""

from __future__ import annotations

import json

import httpx
import pytest
from test_client_fakehub import (  # noqa: F401 - fixtures
    HUB_URL,
    FakeHub,
    add_cases,
    enrolled,
    hub,
    laptops,
    meta,
    no_sleep,
    outbox_states,
)

from fieldapp.services.sync import bundles, errors, run, state
from sync.protocol import seal
from sync.protocol.canonical import ZERO_HASH, sha256_hex


def _sync(hub: FakeHub, laptop, **kw):
    return run.sync_now(vault=laptop.vault, store=laptop.store, transport=hub.transport(),
                        sleep=no_sleep, **kw)


def _stored(laptop) -> list[tuple]:
    with laptop.store.uow(read_only=True) as uow:
        return uow.dbapi().execute(
            "SELECT bundle_id, seq, body, header_hash, state, op_count, audit_seq, audit_hash "
            "FROM sync_bundles ORDER BY seq").fetchall()


def test_enrolment_pins_the_hub_in_the_vault(hub, laptops):
    laptop = laptops()
    device_id = enrolled(hub, laptop, staff_code="IDVA07", bcu="WEST")
    assert device_id in hub.devices
    for key in state.ENROLMENT_KEYS:
        assert meta(laptop, key) is not None, key
    assert meta(laptop, state.DEVICE_ID) == device_id
    assert meta(laptop, state.HUB_KID) == hub.kid
    assert meta(laptop, state.CA_PEM) == hub.ca_pem
    assert meta(laptop, state.STAFF_CODE) == "IDVA07" and meta(laptop, state.BCU) == "WEST"
    assert meta(laptop, state.HUB_URL) == HUB_URL
    # The outbox's clock node is left alone (the sync id has dashes; an HLC node may not).
    assert meta(laptop, "device_id") != device_id
    # Keys and pins live only inside the encrypted database: no file in the folder shows them.
    from sync.protocol.canonical import unb64

    secret = unb64(meta(laptop, state.DEVICE_SIGNING_KEY))
    for path in laptop.folder.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert device_id.encode() not in raw and b"BEGIN CERTIFICATE" not in raw, path.name
            assert secret not in raw and meta(laptop, state.DEVICE_SIGNING_KEY).encode() not in raw


def test_enrolling_again_is_refused_unless_forced(hub, laptops):
    from fieldapp.services.sync import enrol

    laptop = laptops()
    first = enrolled(hub, laptop)
    code = hub.make_code()
    with pytest.raises(errors.Refused) as refused:
        enrol.enrol(store=laptop.store, hub_url=HUB_URL, code=code,
                    ca_fingerprint=hub.ca_fingerprint, transport=hub.transport())
    assert refused.value.code == "already_enrolled"
    assert code in hub.codes  # the code was not spent
    again = enrol.enrol(store=laptop.store, hub_url=HUB_URL, code=code, force=True,
                        ca_fingerprint=hub.ca_fingerprint, transport=hub.transport())
    assert again.device_id != first and meta(laptop, state.DEVICE_ID) == again.device_id
    assert meta(laptop, state.FULL_RESTORE) == "1"


def test_a_ca_with_another_fingerprint_is_never_pinned(hub, laptops):
    from fieldapp.services.sync import enrol

    laptop = laptops()
    other = FakeHub()
    with pytest.raises(errors.CertificateMismatch):
        enrol.enrol(store=laptop.store, hub_url=HUB_URL, code=hub.make_code(),
                    ca_fingerprint=other.ca_fingerprint, transport=hub.transport())
    with pytest.raises(errors.Refused):  # no fingerprint and nobody confirmed it
        enrol.enrol(store=laptop.store, hub_url=HUB_URL, code=hub.make_code(),
                    ca_fingerprint=None, transport=hub.transport())
    assert not hub.devices and meta(laptop, state.CA_PEM) is None
    assert [path for _, path in hub.requests] == ["/v1/ca", "/v1/ca"]  # no code was sent
    confirmed = enrol.enrol(store=laptop.store, hub_url=HUB_URL, code=hub.make_code(),
                            ca_fingerprint=None, confirm_fingerprint=lambda fp: fp == hub.ca_fingerprint,
                            transport=hub.transport())
    assert confirmed.device_id in hub.devices


def test_sealed_bytes_are_stored_before_sending_and_a_retry_sends_them_identically(hub, laptops):
    laptop = laptops()
    enrolled(hub, laptop)
    add_cases(laptop, 12)
    pending = outbox_states(laptop)["pending"]

    hub.faults = ["connect"] * 10  # the station network is down
    with pytest.raises(errors.HubUnreachable):
        _sync(hub, laptop)
    stored = _stored(laptop)
    assert len(stored) == 1 and stored[0][4] == "sealed" and stored[0][5] == pending
    assert outbox_states(laptop) == {"sealed": pending}
    body = stored[0][2]
    assert seal.parse(body, kind="push").header["prev_hash"] == ZERO_HASH

    # The hub applies the bundle but its answer is lost; then a 503. Each retry, in this sync
    # and the next, sends exactly the stored bytes; the hub answers "duplicate" and the laptop
    # acknowledges from that receipt.
    hub.faults = ["lost_reply", "503", "lost_reply", "503"]
    with pytest.raises(errors.HubUnreachable):
        _sync(hub, laptop)
    assert outbox_states(laptop) == {"sealed": pending}
    report = _sync(hub, laptop)
    assert report.sent_bundles == 1 and report.sent_ops == pending and not report.refused
    posted = [b for bundle_id, b in hub.posted if bundle_id == stored[0][0]]
    assert len(posted) == 3 and all(b == body for b in posted)
    assert hub.applied_bundles == [stored[0][0]]  # applied once
    assert outbox_states(laptop) == {"acked": pending}
    after = _stored(laptop)
    assert after[0][2] == body and after[0][4] == "acked"
    # Retries were signed afresh (new nonces), never with a replayed one.
    assert len(set(hub.signed_nonces)) == len(hub.signed_nonces) > 6


def test_a_retry_after_a_restart_sends_the_stored_bytes(hub, laptops):
    laptop = laptops()
    enrolled(hub, laptop)
    add_cases(laptop, 5)
    hub.faults = ["lost_reply", "connect"]
    with pytest.raises(errors.HubUnreachable):
        _sync(hub, laptop)
    body = _stored(laptop)[0][2]
    laptop = laptop.reopen()
    try:
        report = _sync(hub, laptop)
        assert report.sent_bundles == 1 and report.duplicate_ops == 0
        assert [b for _, b in hub.posted] == [body, body]
    finally:
        laptop.vault.lock()


def test_bundles_split_at_the_hubs_limit_and_chain(laptops):
    hub = FakeHub(max_bundle_bytes=12_000)
    laptop = laptops()
    enrolled(hub, laptop)
    add_cases(laptop, 30)
    pending = outbox_states(laptop)["pending"]
    report = _sync(hub, laptop)
    stored = _stored(laptop)
    assert report.sent_ops == pending and len(stored) > 3 and not report.refused
    prev = ZERO_HASH
    for number, (_id, seq, body, header_hash, status, *_rest) in enumerate(stored, 1):
        assert len(body) <= 12_000 and seq == number and status == "acked"
        header = seal.parse(body, kind="push")
        assert header.header["prev_hash"] == prev and header.header_hash() == header_hash
        prev = header_hash
    assert sum(row[5] for row in stored) == pending
    assert len(hub.ops) == pending
    # Most bundles are filled close to the limit (the split is not one op per bundle).
    assert sum(len(row[2]) for row in stored[:-1]) / (len(stored) - 1) > 12_000 * 0.7


def test_an_operation_larger_than_any_bundle_waits_with_the_ones_after_it(laptops):
    hub = FakeHub(max_bundle_bytes=4096)
    laptop = laptops()
    enrolled(hub, laptop)
    add_cases(laptop, 3)
    from fieldapp.domain import records as r
    from fieldapp.services import capture

    with laptop.store.uow(read_only=True) as uow:
        case_id = uow.dbapi().execute("SELECT id FROM cases LIMIT 1").fetchone()[0]
    import uuid

    with laptop.store.uow() as uow:
        capture.add_voice_entry(uow=uow, case_id=uuid.UUID(case_id),
                                entry=r.VoiceEntryIn(words="w" * 5000))
        uow.commit()
    add_cases(laptop, 1, seed=9)
    report = _sync(hub, laptop)
    assert [x.code for x in report.refused] == ["oversized"]
    states = outbox_states(laptop)
    assert states["pending"] >= 2 and states["acked"] > 0


def test_a_forged_receipt_acknowledges_nothing(hub, laptops):
    laptop = laptops()
    enrolled(hub, laptop)
    add_cases(laptop, 4)
    pending = outbox_states(laptop)["pending"]
    hub.forge_receipts = True
    with pytest.raises(errors.HubNotTrusted):
        _sync(hub, laptop)
    assert outbox_states(laptop) == {"sealed": pending}
    assert [row[4] for row in _stored(laptop)] == ["sealed"]
    assert meta(laptop, state.ACKED_AUDIT_HEAD) is None
    hub.forge_receipts = False
    report = _sync(hub, laptop)  # the hub has it: a genuine duplicate receipt now acks it
    assert report.sent_bundles == 1 and outbox_states(laptop) == {"acked": pending}


def test_a_receipt_for_other_bytes_acknowledges_nothing(hub, laptops):
    laptop = laptops()
    enrolled(hub, laptop)
    add_cases(laptop, 3)
    with laptop.store.uow() as uow:
        bundles.seal_all(store=laptop.store)
    row = _stored(laptop)[0]
    enrolment = run.load_enrolment(store=laptop.store)
    stored = bundles.StoredBundle(bundle_id=row[0], seq=row[1], body=row[2], state=row[4])
    genuine = {"type": "receipt", "bundle_id": row[0], "device_id": enrolment.device_id,
               "seq": row[1], "sha256": sha256_hex(row[2]), "applied": 1, "duplicates": 0,
               "quarantined": [], "conflicts": [], "hub_time": 1}
    for edit in ({"sha256": sha256_hex(b"other")}, {"seq": 2}, {"bundle_id": "x"},
                 {"device_id": "AAAA"}):
        receipt = seal.sign_statement({**genuine, **edit}, hub.pairs.signing)
        with laptop.store.uow() as uow, pytest.raises(errors.HubNotTrusted):
            bundles.acknowledge(uow=uow, enrolment=enrolment, bundle=stored, receipt=receipt)
    receipt = seal.sign_statement(genuine, hub.pairs.signing)
    with laptop.store.uow() as uow:
        assert not bundles.acknowledge(uow=uow, enrolment=enrolment, bundle=stored,
                                       receipt=receipt).already
        uow.commit()
    assert _stored(laptop)[0][4] == "acked"
    with laptop.store.uow(read_only=True) as uow:
        kept = json.loads(uow.dbapi().execute("SELECT receipt FROM sync_bundles").fetchone()[0])
    assert kept == receipt


def test_a_hub_that_lost_bundles_gets_them_again_from_expected_seq(hub, laptops):
    laptop = laptops()
    device_id = enrolled(hub, laptop)
    add_cases(laptop, 3)
    _sync(hub, laptop)
    add_cases(laptop, 3, seed=8)
    first = _stored(laptop)
    # The hub is restored from a backup taken before this laptop's first bundles.
    hub.devices[device_id].last_seq, hub.devices[device_id].last_hash = 0, ZERO_HASH
    hub.received.clear()
    hub.ops.clear()
    report = _sync(hub, laptop)
    assert not report.refused
    stored = _stored(laptop)
    assert [row[4] for row in stored] == ["acked"] * len(stored)
    assert hub.devices[device_id].last_seq == stored[-1][1]
    resent = [body for _, body in hub.posted[len(first):]]
    assert all(row[2] in resent for row in first)  # the same bytes again


def test_a_refused_bundle_waits_and_the_refusal_is_reported(hub, laptops):
    laptop = laptops()
    device_id = enrolled(hub, laptop)
    add_cases(laptop, 2)
    hub.devices[device_id].last_hash = "1" * 64  # the hub holds another history: a fork
    report = _sync(hub, laptop)
    assert [r.code for r in report.refused] == ["fork"] and report.waiting_bundles == 1
    assert outbox_states(laptop) == {"sealed": outbox_states(laptop)["sealed"]}


def test_the_hub_clock_offset_is_learnt_and_skew_is_warned(hub, laptops):
    laptop = laptops()
    enrolled(hub, laptop)
    add_cases(laptop, 2)
    hub.clock_offset_ms = 20 * 60 * 1000  # the hub is 20 minutes ahead of this laptop
    with laptop.store.uow() as uow:  # and the laptop's stored offset is stale
        state.put(uow.dbapi(), state.HUB_OFFSET_MS, 0)
        uow.commit()
    report = _sync(hub, laptop)
    assert report.sent_bundles == 1 and not report.refused
    assert "20 minutes behind" in (report.clock_warning or "")
    assert abs(int(meta(laptop, state.HUB_OFFSET_MS)) - 20 * 60 * 1000) < 5000
    # The outbox clock moved past the hub's time (HLC receive rule).
    assert int(meta(laptop, "hlc")[:15]) >= report.hub_time
    count = len(hub.requests)
    _sync(hub, laptop)  # now signed with the learnt offset first time
    assert all(path != "/v1/bundles" or True for _, path in hub.requests[count:])
    assert len(hub.requests) - count <= 2


def test_unreachable_hub_and_unknown_device_are_told_apart(hub, laptops):
    laptop = laptops()
    device_id = enrolled(hub, laptop)
    hub.faults = ["503"] * 10
    with pytest.raises(errors.HubUnreachable, match="station network"):
        _sync(hub, laptop)
    hub.faults = []
    del hub.devices[device_id]
    report = _sync(hub, laptop)
    assert report.refused and report.refused[-1].code == "unknown_device"


def test_only_https_or_loopback_http(hub, laptops):
    from fieldapp.services.sync.client import HubClient

    with pytest.raises(errors.Refused):
        HubClient(base_url="http://hub.station.test:8080", ca_pem=None)
    HubClient(base_url="http://127.0.0.1:8080", ca_pem=None).close()
    with pytest.raises(errors.Refused):
        HubClient(base_url="https://hub/v1", ca_pem=None)


def test_a_tls_failure_is_a_certificate_mismatch_not_unreachable(hub, laptops):
    import ssl

    from fieldapp.services.sync.client import HubClient

    def handshake_fails(request: httpx.Request) -> httpx.Response:
        try:
            raise ssl.SSLCertVerificationError("certificate verify failed")
        except ssl.SSLError as exc:
            raise httpx.ConnectError("tls", request=request) from exc

    with HubClient(base_url=HUB_URL, ca_pem=hub.ca_pem,
                   transport=httpx.MockTransport(handshake_fails)) as client:
        with pytest.raises(errors.CertificateMismatch):
            client.call("GET", "/v1/health", signed=False)


def test_the_status_line_says_what_is_waiting(hub, laptops):
    from fieldapp.services.sync.status import sync_status

    laptop = laptops()
    assert sync_status(store=laptop.store).words() == "Not enrolled with a station hub"
    enrolled(hub, laptop)
    add_cases(laptop, 2)
    status = sync_status(store=laptop.store)
    assert status.enrolled and status.pending_ops > 0 and "never synced" in status.words()
    _sync(hub, laptop)
    status = sync_status(store=laptop.store)
    assert status.pending_ops == 0 and status.last_outcome["ok"] and "last synced" in status.words()
    assert status.last_good_at == status.last_sync_at


def test_the_last_sync_that_finished_is_kept_after_one_that_did_not(hub, laptops):
    """The status bar says when the laptop last synced even after a restart that follows a
    failed attempt: the vault keeps the last good time beside the last attempt."""
    from fieldapp.services.sync.status import sync_status

    laptop = laptops()
    enrolled(hub, laptop)
    _sync(hub, laptop)
    good = sync_status(store=laptop.store).last_good_at
    assert good is not None
    hub.faults = ["503"] * 10
    with pytest.raises(errors.HubUnreachable):
        _sync(hub, laptop)
    status = sync_status(store=laptop.store)
    assert status.last_outcome is not None and not status.last_outcome["ok"]
    assert status.last_good_at == good and status.last_sync_at >= good


def test_bundles_sealed_under_a_larger_limit_are_sealed_again_when_the_hub_lowers_it(laptops):
    hub = FakeHub(max_bundle_bytes=1024 * 1024)
    laptop = laptops()
    enrolled(hub, laptop)
    add_cases(laptop, 20)
    pending = outbox_states(laptop)["pending"]
    bundles.seal_all(store=laptop.store)
    assert len(_stored(laptop)) == 1 and len(_stored(laptop)[0][2]) > 16_000
    hub.max_bundle_bytes = 16_000  # the hub's limit went down before they were sent
    report = _sync(hub, laptop)
    stored = _stored(laptop)
    assert report.sent_ops == pending and not report.refused and len(stored) > 1
    assert all(len(row[2]) <= 16_000 and row[4] == "acked" for row in stored)
    assert meta(laptop, state.MAX_BUNDLE_BYTES) == "16000"
    assert len(hub.ops) == pending
