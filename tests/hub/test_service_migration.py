"""Hub migration 0002 (``ops.refused``, ``conflicts.resolved_by``) on SQLite and PostgreSQL, on a
database the 0001 hub filled: every row kept, the new columns NULL for old rows, the schema then
equal to the tables the code declares; and a pushed case still replays after the upgrade."""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from db_fixtures import (  # noqa: F401
    MAX,
    db_url,
    enrol_laptop,
    hub_data,
    hub_keys,
    load_device,
    new_case_ops,
    now_ms,
    voice_op,
)
from sqlalchemy import inspect, select, text

from sync.hub.service import casedata, push
from sync.hub.store import tables
from sync.hub.store.db import Database


def test_0001_to_0002_keeps_every_row_and_matches_the_tables(db_url, hub_keys):
    db = Database(db_url)
    try:
        db.upgrade("0001")
        assert db.current_revision() == "0001"
        assert "refused" not in {c["name"] for c in inspect(db.engine).get_columns("ops")}
        # Rows as the 0001 hub wrote them (its columns only: the code's tables have more).
        laptop, _ = enrol_laptop(db, hub_keys, role="coordinator")
        ids, made = new_case_ops(laptop)
        body = laptop.bundle([*made, voice_op(laptop, ids, "words before the upgrade")])
        with db.begin() as conn:
            conn.execute(text(
                "INSERT INTO conflicts (conflict_id, case_id, field, state, created_at) "
                "VALUES ('c0000000-0000-4000-8000-000000000000', :case, 'do_not_contact', "
                "'open', 1)"), {"case": ids.case_id})
        _push_at_0001(db, hub_keys, laptop, body)
        with db.begin(read_only=True) as conn:
            before = {name: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {name}")).all()),
                      key=repr)
                      for name in ("ops", "cases", "devices", "received_bundles", "conflicts")}
        assert len(before["ops"]) == 3

        db.upgrade()

        assert db.current_revision() == "0002"
        with db.begin(read_only=True) as conn:
            for name, rows in before.items():
                now = sorted(map(tuple, conn.execute(text(f"SELECT * FROM {name}")).all()),
                             key=repr)
                added = 1 if name in ("ops", "conflicts") else 0
                assert [r[:len(r) - added] for r in now] == rows, name
                if added:
                    assert {r[-1] for r in now} == {None}, name
            diff = [d for d in compare_metadata(MigrationContext.configure(conn), tables.metadata)
                    if not (d[0] == "remove_table" and d[1].name == "hub_alembic_version")]
            assert diff == []
            rebuilt = casedata.case_ops(conn, hub_keys, [ids.case_id])[ids.case_id]
        assert len(rebuilt) == 3 and casedata.tables_of(ids.case_id, rebuilt).complete
    finally:
        db.dispose()


def _push_at_0001(db: Database, keys, laptop, body: bytes) -> None:  # noqa: ANN001
    """What the 0001 hub stored for a bundle, written with 0001's columns (the code's push now
    writes ``refused`` too, which 0001 lacks)."""
    sealed = push.precheck(body=body, max_bytes=MAX)
    payload = push._open_payload(keys, sealed)
    at = now_ms()
    with db.begin() as conn:
        for op in payload.ops:
            conn.execute(text(
                "INSERT INTO ops (op_id, case_id, device_id, entity, entity_id, kind, hlc, "
                "author, sealed_value, quarantined, received_seq, received_at) VALUES (:op_id, "
                ":case_id, :device, :entity, :entity_id, :kind, :hlc, :author, :sealed, false, "
                "1, :at)"), {
                "op_id": op.op_id, "case_id": op.case_id, "device": laptop.device_id,
                "entity": op.entity, "entity_id": op.entity_id, "kind": op.kind, "hlc": op.hlc,
                "author": op.author, "at": at,
                "sealed": casedata.seal_value(keys, op_id=op.op_id, value=op.value)})
        conn.execute(text("INSERT INTO cases (case_id, rev, allocated_to, bcu, police_ref, "
                          "updated_at) VALUES (:c, 1, 'IDVA01', 'WEST', 'PR-1', :at)"),
                     {"c": payload.ops[0].case_id, "at": at})
    with db.begin(read_only=True) as conn:
        assert conn.execute(select(tables.devices.c.device_id)).scalar_one() == laptop.device_id
