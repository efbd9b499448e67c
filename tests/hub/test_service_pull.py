"""Pull pages through the service layer: scope by role, cursors, paging, scope_hash as a device
holding those (case_id, rev) pairs computes it, removed cases after a re-allocation, and the
record of what each device was sent."""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

import hashlib

import pytest
from db_fixtures import (  # noqa: F401
    MAX,
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
from sqlalchemy import select

from sync.hub.service import devices, pull, push
from sync.hub.service.errors import Refused
from sync.hub.store.tables import device_cases
from sync.hub.store.tables import devices as devices_table
from sync.protocol.replay import replay


def _push(db, keys, laptop, ops):  # noqa: ANN001, ANN202
    return push.accept_bundle(db, keys, device=load_device(db, laptop), body=laptop.bundle(ops),
                              max_bytes=MAX, now_ms=now_ms())


def _pull(db, keys, laptop, cursor=0, limit=500):  # noqa: ANN001, ANN202
    body = pull.changes_page(db, keys, device=load_device(db, laptop), cursor=cursor, limit=limit,
                             now_ms=now_ms())
    return laptop.open_page(body)


def _sync_all(db, keys, laptop, held, cursor=0, limit=500):  # noqa: ANN001, ANN202
    """Pull every page as the laptop does; ``held`` is its sync_cases {case_id: rev}."""
    while True:
        header, page = _pull(db, keys, laptop, cursor, limit)
        assert header["cursor_from"] == cursor and header["device_id"] == laptop.device_id
        assert header["cursor_to"] >= cursor, "the cursor went backwards"
        for case in page.cases:
            held[case.case_id] = case.rev
        for case_id in page.removed:
            held.pop(case_id, None)
        cursor = header["cursor_to"]
        if not header["more"]:
            return header, cursor


def _device_hash(held: dict[str, int]) -> str:
    """What the laptop computes over its sync_cases."""
    text = "".join(f"{case_id}:{rev}\n" for case_id, rev in sorted(held.items()))
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def station(database, hub_keys):  # noqa: ANN001, ANN201
    """Two IDVAs in team T1 and one in T2 (WEST/EAST), a supervisor of T1, coordinators of WEST
    and of every BCU; cases allocated across them, pushed by the coordinator of every BCU (only
    a coordinator's device may allocate)."""
    idva1, _ = enrol_laptop(database, hub_keys, staff_code="IDVA01", team="T1", bcu="WEST")
    idva2, _ = enrol_laptop(database, hub_keys, staff_code="IDVA02", team="T1", bcu="WEST")
    idva3, _ = enrol_laptop(database, hub_keys, staff_code="IDVA03", team="T2", bcu="EAST")
    sup, _ = enrol_laptop(database, hub_keys, role="supervisor", staff_code="SUP1", team="T1")
    west, _ = enrol_laptop(database, hub_keys, role="coordinator", staff_code="", bcu="WEST",
                           team="")
    everyone, _ = enrol_laptop(database, hub_keys, role="coordinator", staff_code="", bcu="",
                               team="")
    made = {}
    all_ops = []
    for to, bcu in (("IDVA01", "WEST"), ("IDVA01", "WEST"), ("IDVA02", "WEST"),
                    ("IDVA03", "EAST"), ("", "WEST"), ("IDVA09", "SOUTH")):
        ids, case_ops = new_case_ops(everyone, allocated_to=to, bcu=bcu)
        made[ids.case_id] = (to, bcu)
        all_ops += case_ops
    _push(database, hub_keys, everyone, all_ops)
    return {"idva1": idva1, "idva2": idva2, "idva3": idva3, "sup": sup, "west": west,
            "everyone": everyone, "cases": made}


def _expected(made, keep):  # noqa: ANN001, ANN202
    return {case_id for case_id, (to, bcu) in made.items() if keep(to, bcu)}


def test_scope_by_role(database, hub_keys, station):
    made = station["cases"]
    wanted = {
        "idva1": _expected(made, lambda to, bcu: to == "IDVA01"),
        "idva2": _expected(made, lambda to, bcu: to == "IDVA02"),
        "idva3": _expected(made, lambda to, bcu: to == "IDVA03"),
        "sup": _expected(made, lambda to, bcu: to in ("IDVA01", "IDVA02")),
        "west": _expected(made, lambda to, bcu: bcu == "WEST"),
        "everyone": set(made),
    }
    for who, cases in wanted.items():
        held: dict[str, int] = {}
        header, _ = _sync_all(database, hub_keys, station[who], held)
        assert set(held) == cases, who
        assert header["scope_hash"] == _device_hash(held), who
    # The unallocated case is nobody's but the coordinators'.
    assert len(wanted["west"]) == 4 and len(wanted["sup"]) == 3


def test_pages_carry_every_op_of_the_case_and_rebuild_it(database, hub_keys, station):
    idva1 = station["idva1"]
    held: dict[str, int] = {}
    header, page = _pull(database, hub_keys, idva1)
    assert not header["more"] and len(page.cases) == 2
    for case in page.cases:
        assert len(case.ops) == 2
        tables = replay(case.ops, case_id=case.case_id)
        assert tables.complete and tables.case["allocated_to"] == "IDVA01"
        held[case.case_id] = case.rev
    assert header["scope_hash"] == _device_hash(held)
    assert header["cursor_to"] == max(held.values())


def test_cursor_paging_is_monotonic_and_complete(database, hub_keys, station):
    everyone = station["everyone"]
    seen, cursor, revs = [], 0, []
    while True:
        header, page = _pull(database, hub_keys, everyone, cursor, limit=2)
        assert len(page.cases) <= 2
        revs += [c.rev for c in page.cases]
        seen += [c.case_id for c in page.cases]
        if page.cases:
            assert header["cursor_to"] == page.cases[-1].rev
        assert header["cursor_to"] >= cursor
        cursor = header["cursor_to"]
        if not header["more"]:
            break
    assert revs == sorted(revs) and len(set(seen)) == len(seen) == 6
    header, page = _pull(database, hub_keys, everyone, cursor)
    assert page.cases == [] and header["cursor_to"] == cursor and not header["more"]
    # A change moves the case past the cursor: only it comes next.
    idva1 = station["idva1"]
    target = next(c for c, (to, _) in station["cases"].items() if to == "IDVA01")
    from db_fixtures import CaseIds

    _push(database, hub_keys, idva1, [voice_op(idva1, CaseIds(case_id=target), "more words")])
    header, page = _pull(database, hub_keys, everyone, cursor)
    assert [c.case_id for c in page.cases] == [target] and page.cases[0].rev > cursor
    with database.begin() as conn:  # the cursor the hub handed back, not the one it was sent
        assert conn.execute(select(devices_table.c.last_cursor).where(
            devices_table.c.device_id == everyone.device_id)).scalar_one() == header["cursor_to"]
    assert header["cursor_to"] > cursor


def test_reallocation_removes_the_case_from_the_old_idva(database, hub_keys, station):
    idva1, idva2, sup = station["idva1"], station["idva2"], station["sup"]
    coordinator = station["everyone"]
    held1: dict[str, int] = {}
    _, cursor1 = _sync_all(database, hub_keys, idva1, held1)
    held2: dict[str, int] = {}
    _, cursor2 = _sync_all(database, hub_keys, idva2, held2)
    moved = sorted(held1)[0]
    _push(database, hub_keys, coordinator, [allocation_op(coordinator, moved, "IDVA02")])
    header, cursor1 = _sync_all(database, hub_keys, idva1, held1, cursor1)
    assert moved not in held1 and header["scope_hash"] == _device_hash(held1)
    header, cursor2 = _sync_all(database, hub_keys, idva2, held2, cursor2)
    assert moved in held2 and header["scope_hash"] == _device_hash(held2)
    # Told once: the next page does not repeat it, but a full restore (cursor 0) does.
    _, page = _pull(database, hub_keys, idva1, cursor1)
    assert page.removed == []
    _, page = _pull(database, hub_keys, idva1, 0)
    assert page.removed == [moved]
    # Moving within the supervisor's team changes nothing they hold but the rev.
    held_sup: dict[str, int] = {}
    header, _ = _sync_all(database, hub_keys, sup, held_sup)
    assert moved in held_sup and header["scope_hash"] == _device_hash(held_sup)
    with database.begin() as conn:
        rows = {r.case_id: r for r in conn.execute(
            select(device_cases).where(device_cases.c.device_id == idva1.device_id))}
    assert rows[moved].removed_at is not None and rows[moved].rev_sent is not None
    shown = devices.show_device(database, idva1.device_id)
    entry = next(c for c in shown["cases"] if c["case_id"] == moved)
    assert entry["held"] is False and entry["pushed"] is False  # the coordinator made it
    # And back again: sent again, no longer marked removed.
    _push(database, hub_keys, coordinator, [allocation_op(coordinator, moved, "IDVA01")])
    _sync_all(database, hub_keys, idva1, held1, cursor1)
    assert moved in held1
    entry = next(c for c in devices.show_device(database, idva1.device_id)["cases"]
                 if c["case_id"] == moved)
    assert entry["held"] is True


def test_scope_hash_mismatch_is_what_a_stale_device_sees(database, hub_keys, station):
    idva1 = station["idva1"]
    held: dict[str, int] = {}
    header, _ = _sync_all(database, hub_keys, idva1, held)
    stale = dict(held)
    stale[next(iter(stale))] -= 1
    assert header["scope_hash"] != _device_hash(stale)


def test_bad_cursor_and_limit_are_refused(database, hub_keys, station):
    device = load_device(database, station["idva1"])
    for cursor, limit in ((-1, 10), (0, 0), (True, 10)):
        with pytest.raises(Refused) as refused:
            pull.changes_page(database, hub_keys, device=device, cursor=cursor, limit=limit,
                              now_ms=now_ms())
        assert refused.value.status == 400


def test_page_is_sealed_to_the_device_and_signed_by_the_hub(database, hub_keys, station):
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from sync.protocol import seal
    from sync.protocol.errors import Undecryptable

    body = pull.changes_page(database, hub_keys, device=load_device(database, station["idva1"]),
                             cursor=0, limit=10, now_ms=now_ms())
    sealed = seal.parse(body, kind="pull")
    sealed.verify(hub_keys.pairs.signing.public_key())
    assert sealed.header["hub_kid"] == hub_keys.kid
    with pytest.raises(Undecryptable):
        sealed.decrypt(X25519PrivateKey.generate())
    with pytest.raises(Undecryptable):
        sealed.decrypt(station["idva2"].pairs.sealing)
