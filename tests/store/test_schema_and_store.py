import shutil
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from fieldapp.domain import records as r
from fieldapp.services import capture
from fieldapp.store import audit, orm, schema
from fieldapp.store.engine import integrity_problems, open_engine

FIXTURE_KEY = "11" * 32


def test_stored_schema1_database_upgrades_to_head_with_backup(tmp_path):
    db = tmp_path / "fieldapp.db"
    shutil.copy(__import__("pathlib").Path(__file__).with_name("data") / "fieldapp-schema1.db", db)
    engine = open_engine(db, FIXTURE_KEY)
    assert schema.current_revision(engine) == "0001"
    schema.upgrade(engine, db_path=db)
    assert schema.current_revision(engine) == schema.head_revision()
    with engine.connect() as conn:
        assert conn.execute(text("select victim_name from cases")).scalar_one() == "Old Fixture"
        conn.execute(text("select count(*) from drafts")).scalar_one()
    assert (tmp_path / "fieldapp.db.before-0001.bak").exists()
    assert integrity_problems(engine) == []
    engine.dispose()


def test_wrong_key_cannot_read(tmp_path, store_factory):
    s = store_factory(tmp_path / "x.db")
    s.close()
    engine = open_engine(tmp_path / "x.db", "22" * 32)
    with pytest.raises(DatabaseError):
        with engine.connect() as conn:
            conn.execute(text("select count(*) from sqlite_master")).scalar_one()
    engine.dispose()


def _incident(**kw):
    data = {"police_ref": "LC-1", "bcu": "WEST", "police_visit_at": datetime.now(UTC) - timedelta(hours=2),
            "victim_name": "Marker Person"}
    data.update(kw)
    return r.IncidentIn(**data)


def test_change_writes_rows_audit_and_outbox_in_one_transaction(store):
    with store.uow() as uow:
        case = capture.create_incident(uow=uow, incident=_incident())
        uow.commit()
    with store.uow() as uow:
        ops = uow.session.scalars(select(orm.OutboxOp).order_by(orm.OutboxOp.hlc)).all()
        assert [o.entity for o in ops] == ["incident", "case"]
        assert ops[0].hlc < ops[1].hlc
        entry = uow.session.scalars(select(orm.AuditEntry)).one()
        assert (entry.action, entry.record_id) == ("collection", str(case.case_id))
        assert "victim_name" in entry.fields and "Marker" not in str(entry.fields)
    # Leaving without commit rolls back rows, audit and outbox together.
    with store.uow() as uow:
        capture.create_incident(uow=uow, incident=_incident(police_ref="LC-2"))
    with store.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(orm.Case)) == 1
        assert uow.session.scalar(select(func.count()).select_from(orm.OutboxOp)) == 2
        assert uow.session.scalar(select(func.count()).select_from(orm.AuditEntry)) == 1


def test_audit_chain_detects_an_altered_row(store):
    with store.uow() as uow:
        for i in range(5):
            capture.create_incident(uow=uow, incident=_incident(police_ref=f"LC-{i}"))
        uow.commit()
    with store.uow() as uow:
        assert audit.verify(uow.session).ok
        uow.session.execute(text("update audit_log set actor = 'someone else' where seq = 3"))
        report = audit.verify(uow.session)
        assert not report.ok and report.first_bad_seq == 3
    with store.uow() as uow:
        uow.session.execute(text("delete from audit_log where seq = 2"))
        assert audit.verify(uow.session).first_bad_seq == 3


def test_exception_text_hides_bound_values(store):
    with store.uow() as uow:
        case = capture.create_incident(uow=uow, incident=_incident())
        uow.commit()
    with store.uow() as uow:
        uow.session.add(orm.VoiceEntry(
            id=uuid.uuid4(), case_id=uuid.uuid4(), words="SECRET-MARKER-WORDS", verbatim=True, goals=[],
            consent_scope=[], recorded_at=datetime.now(UTC), recorded_by="t"))
        with pytest.raises(IntegrityError) as caught:
            uow.session.flush()
        assert "SECRET-MARKER-WORDS" not in str(caught.value)
    assert case


def test_hlc_is_monotonic_when_the_wall_clock_steps_back(store):
    from fieldapp.store import outbox

    with store.uow() as uow:
        a = outbox.tick(uow.session, now_ms=2_000)
        b = outbox.tick(uow.session, now_ms=1_000)
        c = outbox.tick(uow.session, now_ms=3_000)
        assert a < b < c
        assert a.encode() < b.encode() < c.encode()


def test_locking_the_vault_closes_the_store_for_good(tmp_path):
    from fieldapp.store import Store, StoreClosed
    from fieldapp.vault import Vault

    vault = Vault.create(tmp_path / "v", passphrase=bytearray(b"correct horse battery staple"),
                         user="idva1", role="idva")
    store = Store.open(vault)
    with store.uow() as uow:
        capture.create_incident(uow=uow, incident=_incident())
        uow.commit()
    vault.lock()
    with pytest.raises(StoreClosed):
        with store.uow() as uow:
            uow.session.execute(text("select count(*) from cases")).scalar_one()


def test_an_edited_role_in_the_key_file_is_refused(tmp_path):
    import json

    from fieldapp.store import Store, StoreCorrupt
    from fieldapp.vault import Vault

    folder = tmp_path / "v"
    secret = b"correct horse battery staple"
    vault = Vault.create(folder, passphrase=bytearray(secret), user="idva1", role="idva")
    Store.open(vault)
    vault.lock()
    doc = json.loads((folder / "keyslots.json").read_text())
    doc["role"] = "coordinator"  # not covered by the slots' AEAD: the database must notice
    (folder / "keyslots.json").write_text(json.dumps(doc))
    vault = Vault.open(folder)
    vault.unlock(bytearray(secret))
    with pytest.raises(StoreCorrupt, match="different role"):
        Store.open(vault)
    vault.lock()


def _vault_at(tmp_path, revision):
    """A real vault whose database stands at an older schema revision."""
    from fieldapp.store import Store
    from fieldapp.vault import Vault

    folder = tmp_path / "v"
    vault = Vault.create(folder, passphrase=bytearray(b"correct horse battery staple"),
                         user="idva1", role="idva")
    Store.open(vault)
    vault.lock()
    vault = Vault.open(folder)
    vault.unlock(bytearray(b"correct horse battery staple"))
    engine = open_engine(vault.db_path, vault.raw_key_hex())
    schema_down(engine, revision)
    return vault, engine


def schema_down(engine, revision):
    from alembic import command

    cfg = schema._config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_a_failed_migration_says_so_and_leaves_the_database_as_it_was(tmp_path):
    from fieldapp.store import Store, StoreCorrupt

    vault, engine = _vault_at(tmp_path, "0003")
    with engine.begin() as conn:  # in the way of what 0004 creates
        conn.execute(text("CREATE INDEX ix_cases_board_by_time ON cases (bcu)"))
    engine.dispose()
    with pytest.raises(StoreCorrupt, match="could not be brought up to date") as caught:
        Store.open(vault)
    assert "key" not in str(caught.value)
    engine = open_engine(vault.db_path, vault.raw_key_hex())
    assert schema.current_revision(engine) == "0003"
    assert integrity_problems(engine) == []
    engine.dispose()
    assert (vault.db_path.with_name(vault.db_path.name + ".before-0003.bak")).exists()
    vault.lock()


def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path):
    from fieldapp.store import Store, StoreCorrupt

    vault, engine = _vault_at(tmp_path, schema.head_revision())
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    before = vault.db_path.read_bytes()
    with pytest.raises(StoreCorrupt, match="newer version of fieldapp"):
        Store.open(vault)
    assert vault.db_path.read_bytes() == before
    vault.lock()


def test_a_read_only_unit_of_work_reads_beside_a_writer_and_cannot_write(store):
    from sqlalchemy.exc import OperationalError

    from fieldapp.services import queries

    with store.uow() as uow:
        capture.create_incident(uow=uow, incident=_incident(police_ref="LC-SEEN"))
        uow.commit()
    with store.uow() as writer:  # holds the write lock (BEGIN IMMEDIATE) until it leaves
        capture.create_incident(uow=writer, incident=_incident(police_ref="LC-UNSEEN"))
        with store.uow(read_only=True) as reader:  # would wait for the lock if it asked for it
            page = queries.board_page(uow=reader, flt=queries.BoardFilter())
            assert [c.police_ref for c in page] == ["LC-SEEN"]  # the last committed state
            with pytest.raises(OperationalError, match="readonly"):
                reader.session.execute(text("DELETE FROM drafts"))
        writer.commit()
    with store.uow() as uow:  # the pooled connection is a writer again
        capture.create_incident(uow=uow, incident=_incident(police_ref="LC-LATER"))
        uow.commit()
    with store.uow(read_only=True) as reader:
        assert queries.board_count(uow=reader, flt=queries.BoardFilter()) == 3
