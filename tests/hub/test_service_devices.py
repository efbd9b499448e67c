"""Devices (list, show with the cases whose data they hold, revoke), hub status, and the hub
audit chain (verify finds an edited, removed, reordered or cut-off row)."""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

import pytest
from db_fixtures import (  # noqa: F401
    database,
    db_url,
    enrol_laptop,
    hub_data,
    hub_keys,
    new_case_ops,
    now_ms,
)
from sqlalchemy import delete, select, update

from sync.hub.service import audit, devices, pull, push, status
from sync.hub.service.errors import Refused
from sync.hub.store.tables import hub_audit


def _load(db, laptop):  # noqa: ANN001, ANN202
    with db.begin(read_only=True) as conn:
        return devices.load(conn, laptop.device_id)


def test_list_show_and_revoke(database, hub_keys, hub_data):
    idva, _ = enrol_laptop(database, hub_keys, user="Ida One", staff_code="IDVA01")
    coord, _ = enrol_laptop(database, hub_keys, user="Cora", role="coordinator", staff_code="",
                            bcu="", team="")
    mine, case_ops = new_case_ops(idva, allocated_to="IDVA01")
    theirs, other_ops = new_case_ops(coord, allocated_to="IDVA01")
    push.accept_bundle(database, hub_keys, device=_load(database, idva),
                       body=idva.bundle(case_ops), max_bytes=1 << 20, now_ms=now_ms())
    push.accept_bundle(database, hub_keys, device=_load(database, coord),
                       body=coord.bundle(other_ops), max_bytes=1 << 20, now_ms=now_ms())
    pull.changes_page(database, hub_keys, device=_load(database, idva), cursor=0, limit=10,
                      now_ms=now_ms())
    listed = devices.list_devices(database)
    assert {d["device_id"] for d in listed} == {idva.device_id, coord.device_id}
    first = next(d for d in listed if d["device_id"] == idva.device_id)
    assert (first["user"], first["role"], first["state"], first["last_seq"]) == (
        "Ida One", "idva", "active", 1)
    assert first["last_seen"] is not None and "signing_key" not in first
    shown = devices.show_device(database, idva.device_id.lower().replace("-", ""))
    held = {c["case_id"]: c for c in shown["cases"]}
    assert set(held) == {mine.case_id, theirs.case_id}   # pushed one, was sent both
    assert held[mine.case_id]["pushed"] and not held[theirs.case_id]["pushed"]
    assert held[theirs.case_id]["rev_sent"] is not None and held[theirs.case_id]["police_ref"]
    with pytest.raises(Refused) as unknown:
        devices.show_device(database, "AAAA-BBBB")
    assert unknown.value.status == 404
    devices.revoke(database, idva.device_id, reason="lost", actor="Cora", now_ms=now_ms())
    devices.revoke(database, idva.device_id, reason="again", actor="Cora", now_ms=now_ms())
    shown = devices.show_device(database, idva.device_id)
    assert (shown["state"], shown["revoked_reason"]) == ("revoked", "lost")
    with database.begin(read_only=True) as conn:
        rows = conn.execute(select(hub_audit).where(hub_audit.c.action == "revocation")).all()
    assert len(rows) == 1 and rows[0].actor == "Cora" and rows[0].record_id == idva.device_id
    with pytest.raises(Refused):
        devices.revoke(database, "AAAA-BBBB", reason="", actor="x", now_ms=now_ms())

    report = status.status(database, data_dir=hub_data)
    assert report["devices"] == {"active": 1, "revoked": 1, "total": 2}
    assert report["ops"] == 4 and report["quarantined_ops"] == 0 and report["cases"] == 2
    assert report["database_bytes"] > 0 and report["bundles"] == 2
    assert {s["device_id"] for s in report["last_syncs"]} == {idva.device_id, coord.device_id}


def test_status_counts_quarantined_ops(database, hub_keys, hub_data):
    laptop, _ = enrol_laptop(database, hub_keys)
    at = now_ms()
    _, case_ops = new_case_ops(laptop)
    ahead = [op.model_copy(update={"hlc": f"{at + 3_600_000:015d}-00000-{laptop.node}"})
             for op in case_ops]
    push.accept_bundle(database, hub_keys, device=_load(database, laptop),
                       body=laptop.bundle(ahead), max_bytes=1 << 20, now_ms=at)
    report = status.status(database, data_dir=hub_data)
    assert report["quarantined_ops"] == 2 and report["cases"] == 0



def test_audit_chain_detects_edits_deletions_and_truncation(database, hub_keys):
    for i in range(3):
        enrol_laptop(database, hub_keys, staff_code=f"IDVA{i}")
    assert audit.verify(database)
    with database.begin(read_only=True) as conn:
        rows = conn.execute(select(hub_audit).order_by(hub_audit.c.seq)).all()
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1)) and len(rows) == 6
    assert rows[0].prev_hash == audit.GENESIS and rows[1].prev_hash == rows[0].hash

    def broken(change) -> bool:  # noqa: ANN001
        with database.begin() as conn:
            change(conn)
        ok = audit.verify(database)
        with database.begin() as conn:  # put it back
            conn.execute(delete(hub_audit))
            conn.execute(hub_audit.insert(), [dict(r._mapping) for r in rows])
        assert audit.verify(database)
        return not ok

    assert broken(lambda c: c.execute(update(hub_audit).where(hub_audit.c.seq == 2)
                                      .values(actor="someone else")))
    assert broken(lambda c: c.execute(delete(hub_audit).where(hub_audit.c.seq == 3)))
    assert broken(lambda c: c.execute(update(hub_audit).where(hub_audit.c.seq == 4)
                                      .values(purpose="edited")))
    assert broken(lambda c: c.execute(delete(hub_audit).where(hub_audit.c.seq == 6)))  # newest
