# ruff: noqa: F811 - pytest fixtures imported from test_client_fakehub are parameters here
"""The laptop's pull: pages in one transaction with their cursor, scope, deferral, removal,
full restore, forged pages, and the wipe order."""

from __future__ import annotations

import uuid

import pytest
from test_client_fakehub import (  # noqa: F401 - fixtures
    PASSPHRASE,
    FakeHub,
    add_cases,
    enrolled,
    hub,
    laptops,
    meta,
    no_sleep,
    outbox_states,
)

from fieldapp.services import capture
from fieldapp.services.sync import errors, pages, pull, run, state
from fieldapp.vault import Vault
from sync.protocol import keys, seal


def _sync(hub: FakeHub, laptop, **kw):
    return run.sync_now(vault=laptop.vault, store=laptop.store, transport=hub.transport(),
                        sleep=no_sleep, **kw)


def _cases(laptop) -> dict[str, str]:
    with laptop.store.uow(read_only=True) as uow:
        return dict(uow.dbapi().execute("SELECT id, allocated_to FROM cases").fetchall())


def _held(laptop) -> dict[str, int]:
    with laptop.store.uow(read_only=True) as uow:
        return pages.held_revs(uow.dbapi())


def _rows_of_case(laptop, case_id: str) -> dict[str, int]:
    """The tables with a row that names the case (a raw scan of every column of every table),
    but the audit log, which keeps the case's id (never its data) for who did what."""
    found: dict[str, int] = {}
    with laptop.store.uow(read_only=True) as uow:
        db = uow.dbapi()
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            if table == "audit_log":
                continue
            columns = [r[1] for r in db.execute(f"PRAGMA table_info('{table}')")]
            where = " OR ".join(f"CAST({c} AS TEXT) LIKE ?1" for c in columns)
            count = db.execute(f"SELECT count(*) FROM {table} WHERE {where}",
                               (f"%{case_id}%",)).fetchone()[0]
            if count:
                found[table] = count
    return found


@pytest.fixture
def station(hub, laptops):
    """An IDVA who recorded a day of visits and synced, and a coordinator enrolled after."""
    idva = laptops("idva")
    enrolled(hub, idva, staff_code="IDVA01")
    add_cases(idva, 16, me="IDVA01")
    first = _sync(hub, idva)
    assert first.sent_ops > 0 and not first.refused
    coordinator = laptops("coordinator", user="coord", role="coordinator")
    enrolled(hub, coordinator, role="coordinator", staff_code="COORD1", user="Coordinator")
    return idva, coordinator


def test_a_coordinator_pulls_every_case_an_idva_only_their_own(hub, laptops, station):
    idva, coordinator = station
    report = _sync(hub, coordinator)
    assert report.received_cases == 16 and not report.refused
    assert set(_cases(coordinator)) == set(_cases(idva))
    assert meta(coordinator, state.CURSOR) == str(max(hub.case_rev.values()))
    other = laptops("other")
    enrolled(hub, other, staff_code="IDVA02")
    report = _sync(hub, other)
    theirs = {c for c, who in _cases(idva).items() if who == "IDVA02"}
    assert set(_cases(other)) == theirs and report.received_cases == len(theirs)
    # A second pull is empty and leaves everything as it was.
    again = _sync(hub, coordinator)
    assert again.received_cases == 0 and again.removed_cases == 0 and not again.full_restore


def test_pages_are_applied_one_transaction_each_with_their_cursor(hub, station, monkeypatch):
    idva, coordinator = station
    hub.page_limit = 5
    real = pages.apply_page
    calls = []

    def crash_on_the_third(**kw):
        calls.append(1)
        if len(calls) == 3:
            real(**kw)  # applied inside the transaction, then the process "dies" before commit
            raise KeyboardInterrupt
        return real(**kw)

    monkeypatch.setattr(pages, "apply_page", crash_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        _sync(hub, coordinator)
    ordered = sorted(hub.case_rev.values())
    assert meta(coordinator, state.CURSOR) == str(ordered[9])  # two pages of five committed
    assert len(_cases(coordinator)) == 10 and len(_held(coordinator)) == 10
    monkeypatch.setattr(pages, "apply_page", real)
    report = _sync(hub, coordinator)
    assert report.received_cases == 6 and len(_cases(coordinator)) == 16


def test_a_case_with_unacknowledged_local_changes_is_not_overwritten(hub, station):
    idva, coordinator = station
    _sync(hub, coordinator)
    case_id = next(iter(_cases(coordinator)))
    # The IDVA changes the case at the hub; the coordinator changes it locally, unsent.
    with idva.store.uow() as uow:
        capture.allocate(uow=uow, case_id=uuid.UUID(case_id), idva_code="IDVA09")
        uow.commit()
    _sync(hub, idva)
    with coordinator.store.uow() as uow:
        capture.allocate(uow=uow, case_id=uuid.UUID(case_id), idva_code="IDVA05")
        uow.commit()
    enrolment = run.load_enrolment(store=coordinator.store)
    with run.client_for(store=coordinator.store, enrolment=enrolment,
                        transport=hub.transport()) as client:
        report = pull.pull(store=coordinator.store, client=client, enrolment=enrolment)
    assert report.deferred_cases == 1 and report.received_cases == 0 and not report.refused
    assert _cases(coordinator)[case_id] == "IDVA05"  # the local change is kept
    assert int(meta(coordinator, state.CURSOR)) < hub.case_rev[case_id]
    assert case_id in meta(coordinator, state.DEFERRED)
    # The next sync pushes the local change first, then asks for the case again.
    report = _sync(hub, coordinator)
    assert report.sent_ops >= 1 and report.received_cases >= 1 and report.deferred_cases == 0
    assert _cases(coordinator)[case_id] == hub_allocation(hub, case_id)
    assert _held(coordinator)[case_id] == hub.case_rev[case_id]


def hub_allocation(hub: FakeHub, case_id: str) -> str:
    from sync.protocol.replay import replay

    return replay(hub.case_ops(case_id), case_id=case_id).case["allocated_to"]


def test_a_case_allocated_away_is_purged_only_after_its_changes_are_acknowledged(hub, station):
    idva, coordinator = station
    _sync(hub, coordinator)
    mine = [c for c, who in _cases(idva).items() if who == "IDVA01"]
    assert mine
    case_id = mine[0]
    _sync(hub, idva)
    assert case_id in _held(idva)
    # The IDVA writes to the case (unsent); the coordinator allocates it to someone else.
    from fieldapp.domain import records as r

    with idva.store.uow() as uow:
        capture.add_voice_entry(uow=uow, case_id=uuid.UUID(case_id),
                                entry=r.VoiceEntryIn(words="I want to stay with my sister"))
        uow.commit()
    with coordinator.store.uow() as uow:
        capture.allocate(uow=uow, case_id=uuid.UUID(case_id), idva_code="IDVA02")
        uow.commit()
    _sync(hub, coordinator)
    enrolment = run.load_enrolment(store=idva.store)
    with run.client_for(store=idva.store, enrolment=enrolment, transport=hub.transport()) as client:
        report = pull.pull(store=idva.store, client=client, enrolment=enrolment)
    assert report.removed_cases == 0 and case_id in _cases(idva)  # its change is not acked yet
    assert case_id in meta(idva, state.PENDING_REMOVALS)
    report = _sync(hub, idva)  # pushed and acknowledged, then purged
    assert report.removed_cases == 1
    assert case_id not in _cases(idva) and case_id not in _held(idva)
    assert _rows_of_case(idva, case_id) == {}  # no row anywhere names it (outbox included)
    assert meta(idva, state.PENDING_REMOVALS) == "[]"


def test_a_scope_mismatch_does_a_full_restore_and_purges_what_is_gone(hub, station):
    idva, coordinator = station
    _sync(hub, coordinator)
    cases = sorted(_cases(coordinator))
    gone, damaged = cases[0], cases[1]
    # At the hub a case was deleted directly (no removal is sent for it) ...
    hub.hidden_cases.add(gone)
    hub.devices[meta(coordinator, state.DEVICE_ID)].sent.pop(gone)
    # ... and this laptop lost its copy of another.
    with coordinator.store.uow() as uow:
        uow.dbapi().execute("DELETE FROM sync_cases WHERE case_id = ?", (damaged,))
        uow.commit()
    report = _sync(hub, coordinator)
    assert report.full_restore and not report.refused
    assert gone not in _cases(coordinator) and _rows_of_case(coordinator, gone) == {}
    assert damaged in _held(coordinator) and report.removed_cases == 1
    assert meta(coordinator, state.FULL_RESTORE) is None
    assert not _sync(hub, coordinator).full_restore


def test_a_protocol_version_change_restores_from_cursor_zero(hub, station):
    idva, coordinator = station
    _sync(hub, coordinator)
    with coordinator.store.uow() as uow:
        state.put(uow.dbapi(), state.PROTOCOL_VERSION, "0")
        uow.commit()
    count = len(hub.requests)
    report = _sync(hub, coordinator)
    assert report.full_restore and ("GET", "/v1/changes?cursor=0&limit=500") in hub.requests[count:]
    assert meta(coordinator, state.PROTOCOL_VERSION) == "1"


def test_a_page_not_signed_by_the_pinned_hub_or_for_another_device_is_not_used(hub, station):
    idva, coordinator = station
    genuine = hub.pairs
    hub.pairs = keys.KeyPairs(keys.KeyPairs.generate().signing, genuine.sealing)  # an impostor
    hub.pairs = type(genuine)(hub.pairs.signing, genuine.sealing)
    with pytest.raises(errors.HubNotTrusted):
        _sync(hub, coordinator)
    assert not _cases(coordinator) and meta(coordinator, state.CURSOR) is None
    hub.pairs = genuine
    enrolment = run.load_enrolment(store=coordinator.store)
    other = keys.KeyPairs.generate()
    body = seal.seal(kind="pull", header_core={
        "v": 1, "page_id": "p", "device_id": "AAAA-BBBB", "cursor_from": 0, "cursor_to": 0,
        "more": False, "scope_hash": "0" * 64, "hub_kid": hub.kid},
        payload={"device_id": "AAAA-BBBB", "cursor_from": 0, "cursor_to": 0, "cases": [],
                 "removed": [], "hub_time": 1},
        recipient=other.sealing.public_key(), signer=hub.pairs.signing)
    with pytest.raises(errors.HubNotTrusted):
        pages.open_page(body, enrolment=enrolment)


def _first_run(folder) -> bool:
    return not Vault.exists(folder) and not (folder / "fieldapp.db").exists()


def test_a_forged_wipe_order_is_ignored(hub, station, caplog):
    idva, _ = station
    hub.revoke(meta(idva, state.DEVICE_ID))
    hub.forge_wipe = True
    before = sorted(p.name for p in idva.folder.iterdir())
    with pytest.raises(errors.HubNotTrusted):
        _sync(hub, idva)
    assert sorted(p.name for p in idva.folder.iterdir()) == before
    assert idva.vault.is_unlocked and _cases(idva)
    assert "wipe order that is not signed" in caplog.text
    hub.forge_wipe, hub.wrong_device_wipe = False, True
    with pytest.raises(errors.HubNotTrusted):
        _sync(hub, idva)
    assert idva.vault.is_unlocked and Vault.exists(idva.folder)


def test_a_valid_wipe_order_wipes_the_vault_and_leaves_a_first_run_folder(hub, station):
    idva, _ = station
    folder = idva.folder
    secret = bytes.fromhex(idva.vault.raw_key_hex())
    hub.revoke(meta(idva, state.DEVICE_ID))
    with pytest.raises(errors.Revoked):
        _sync(hub, idva)
    assert not idva.vault.is_unlocked
    assert _first_run(folder)
    leftovers = [p for p in folder.rglob("*") if p.is_file()]
    assert all(p.parent.name == "logs" or p.name.startswith("crash") for p in leftovers), leftovers
    for path in leftovers:
        assert secret not in path.read_bytes()
    # A new vault can be made in the same folder, as on first run.
    fresh = Vault.create(folder, passphrase=bytearray(PASSPHRASE.encode()), user="jo", role="idva")
    fresh.lock()


def test_a_reply_file_with_a_valid_wipe_order_wipes_and_a_forged_one_does_not(hub, station, tmp_path):
    from fieldapp.services.sync import transfer

    idva, _ = station
    out = tmp_path / "idva.transfer"
    transfer.write_transfer_file(store=idva.store, path=out)
    hub.revoke(meta(idva, state.DEVICE_ID))
    hub.forge_wipe = True
    reply = tmp_path / "idva.reply"
    reply.write_bytes(hub.import_transfer(out.read_bytes()))
    with pytest.raises(errors.HubNotTrusted):
        transfer.apply_reply_file(vault=idva.vault, store=idva.store, path=reply)
    assert Vault.exists(idva.folder) and idva.vault.is_unlocked
    hub.forge_wipe = False
    reply.write_bytes(hub.import_transfer(out.read_bytes()))
    with pytest.raises(errors.Revoked):
        transfer.apply_reply_file(vault=idva.vault, store=idva.store, path=reply)
    assert _first_run(idva.folder)


def test_a_hub_whose_revs_went_back_is_restored_from_in_full(hub, station):
    idva, coordinator = station
    _sync(hub, coordinator)
    # The hub was restored from a backup and renumbered: every rev is lower than the laptop's.
    before = dict(hub.case_rev)
    for number, case_id in enumerate(sorted(hub.case_rev, reverse=True), 1):
        hub.case_rev[case_id] = number
    hub.counter = len(hub.case_rev)
    assert hub.case_rev != before
    report = _sync(hub, coordinator)
    assert report.full_restore and not report.refused
    assert _held(coordinator) == hub.scope(hub.devices[meta(coordinator, state.DEVICE_ID)])
    assert not _sync(hub, coordinator).full_restore
