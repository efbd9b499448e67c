"""Migration 0006 (sync tables, outbox.bundle_id) on a database written by an older version."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from fieldapp.store import orm, schema
from fieldapp.store.engine import integrity_problems, open_engine

STORED = Path(__file__).parents[1] / "store" / "data" / "fieldapp-schema1.db"
STORED_KEY = "11" * 32  # the key the stored file was written with (tests/store)


def _columns(engine, table: str) -> dict[str, tuple]:
    with engine.connect() as conn:
        return {r[1]: (r[2], r[3], r[5]) for r in conn.exec_driver_sql(f"PRAGMA table_info('{table}')")}


def test_a_stored_old_vault_file_upgrades_through_0006_keeping_its_outbox(tmp_path):
    db = tmp_path / "fieldapp.db"
    shutil.copy(STORED, db)
    engine = open_engine(db, STORED_KEY)
    assert schema.current_revision(engine) == "0001"
    schema.upgrade(engine, db_path=db, revision="0005")
    with engine.begin() as conn:  # work recorded by the 0005 app, not yet synced
        conn.exec_driver_sql(
            "INSERT INTO outbox (op_id, hlc, entity, entity_id, op, payload, status) VALUES "
            "('00000000-0000-7000-8000-000000000001', '000001700000000-00000-abc', 'case', "
            "'00000000-0000-4000-8000-000000000002', 'upsert', '{}', 'pending')")
        conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('hlc', '000001700000000-00000-abc')")
        before = conn.exec_driver_sql("SELECT * FROM outbox").all()
        cases_before = conn.exec_driver_sql("SELECT * FROM cases").all()

    schema.upgrade(engine, db_path=db)

    assert schema.current_revision(engine) == schema.head_revision() >= "0006"
    assert (tmp_path / "fieldapp.db.before-0005.bak").exists()
    with engine.connect() as conn:
        after = conn.exec_driver_sql(
            "SELECT op_id, hlc, entity, entity_id, op, payload, status, bundle_id FROM outbox").all()
        assert [tuple(r[:7]) for r in after] == [tuple(r) for r in before]
        assert [r[7] for r in after] == [None]
        assert conn.exec_driver_sql("SELECT * FROM cases").all() == cases_before
        assert conn.execute(text("SELECT victim_name FROM cases")).scalar_one() == "Old Fixture"
        assert conn.exec_driver_sql("SELECT count(*) FROM sync_bundles").scalar_one() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM sync_cases").scalar_one() == 0
        indexes = {r[1] for r in conn.exec_driver_sql("PRAGMA index_list('outbox')")}
        assert "ix_outbox_bundle_id" in indexes
        assert compare_metadata(MigrationContext.configure(conn), orm.Base.metadata) == []
    bundles = _columns(engine, "sync_bundles")
    assert bundles["bundle_id"][2] == 1 and bundles["body"][0] == "BLOB"
    assert set(bundles) == {"bundle_id", "seq", "body", "header_hash", "state", "op_count",
                            "audit_seq", "audit_hash", "sealed_at", "acked_at", "receipt"}
    assert _columns(engine, "outbox")["bundle_id"] == ("VARCHAR(36)", 0, 0)
    assert integrity_problems(engine) == []
    engine.dispose()


def test_0006_downgrades_to_0005_and_up_again(tmp_path):
    db = tmp_path / "fieldapp.db"
    shutil.copy(STORED, db)
    engine = open_engine(db, STORED_KEY)
    schema.upgrade(engine, db_path=db, revision="0006")
    cfg = schema._config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005")
    assert "bundle_id" not in _columns(engine, "outbox")
    with engine.connect() as conn:
        tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not {"sync_bundles", "sync_cases"} & tables
    schema.upgrade(engine, db_path=db, revision="0006")
    assert "bundle_id" in _columns(engine, "outbox")
    engine.dispose()


STORED_0006 = Path(__file__).parents[1] / "store" / "data" / "fieldapp-schema6.db"
"""A vault file as the 0006 app left it (written from fieldapp-schema1.db at 0006): its case is
held from the hub at rev 7 and a safe-contact change waits in the outbox, sealed before bases."""


def test_a_stored_0006_vault_upgrades_through_0007_keeping_its_cases_and_outbox(tmp_path):
    db = tmp_path / "fieldapp.db"
    shutil.copy(STORED_0006, db)
    engine = open_engine(db, STORED_KEY)
    assert schema.current_revision(engine) == "0006"
    with engine.connect() as conn:
        before = {t: conn.exec_driver_sql(f"SELECT * FROM {t}").all()
                  for t in ("cases", "outbox", "sync_cases", "safe_contacts", "meta")}

    schema.upgrade(engine, db_path=db)

    assert schema.current_revision(engine) == schema.head_revision() >= "0007"
    assert (tmp_path / "fieldapp.db.before-0006.bak").exists()
    with engine.connect() as conn:
        for table, rows in before.items():
            assert conn.exec_driver_sql(f"SELECT * FROM {table}").all() == rows, table
        for table in ("case_flags", "field_versions", "sync_conflicts", "field_history"):
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one() == 0
        assert compare_metadata(MigrationContext.configure(conn), orm.Base.metadata) == []
    assert set(_columns(engine, "case_flags")) == {
        "case_id", "do_not_contact", "do_not_visit", "risk_grade", "marac_referral",
        "updated_at", "updated_by"}
    assert _columns(engine, "sync_conflicts")["sides"] == ("TEXT", 1, 0)
    assert integrity_problems(engine) == []
    engine.dispose()


def test_an_upgraded_0006_vaults_pending_safety_op_is_sealed_with_a_base(tmp_path):
    """The op queued before 0007 has no base; it gets the field's version ('' here) when it is
    sealed, written into its payload, so sealing it again (a 413) gives the same base."""
    from fieldapp.services.sync import ops as wire

    db = tmp_path / "fieldapp.db"
    shutil.copy(STORED_0006, db)
    engine = open_engine(db, STORED_KEY)
    schema.upgrade(engine, db_path=db)
    raw = engine.raw_connection()
    try:
        rows = wire.assign_bases(raw, wire.read_outbox(raw, where="entity = 'safe_contact'"))
        again = wire.assign_bases(raw, wire.read_outbox(raw, where="entity = 'safe_contact'"))
        raw.commit()
        ((op_id, *_, value),) = rows
        assert value["base"] == "" and json.loads(again[0][5])["base"] == ""
        assert raw.execute("SELECT op_id FROM field_versions").fetchone()[0] == op_id
    finally:
        raw.close()
    engine.dispose()


def test_0007_downgrades_to_0006_and_up_again(tmp_path):
    db = tmp_path / "fieldapp.db"
    shutil.copy(STORED_0006, db)
    engine = open_engine(db, STORED_KEY)
    schema.upgrade(engine, db_path=db)
    cfg = schema._config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
    with engine.connect() as conn:
        tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not {"case_flags", "field_versions", "sync_conflicts", "field_history"} & tables
    schema.upgrade(engine, db_path=db)
    assert schema.current_revision(engine) == schema.head_revision()
    engine.dispose()
