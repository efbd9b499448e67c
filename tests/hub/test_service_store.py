"""The store itself: migrations on both backends, the engine settings each backend needs, an
owner-only SQLite file, parameters hidden from error text, and a reconnect after PostgreSQL
terminates the backend."""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

import stat

import pytest
from db_fixtures import database, db_url, maintenance_connection  # noqa: F401
from sqlalchemy import insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from sync.hub.store import tables
from sync.hub.store.db import Database, head_revision

MARKER = "MARKER-PARAM-5xq"


def test_migrated_to_head_with_every_table(database):
    assert database.current_revision() == head_revision() == "0002"
    names = set(inspect(database.engine).get_table_names())
    assert names >= {"devices", "enrol_codes", "received_bundles", "ops", "cases",
                     "device_cases", "counters", "nonces", "hub_audit", "conflicts",
                     "hub_alembic_version"}
    with database.begin(read_only=True) as conn:
        assert dict(conn.execute(select(tables.counters.c.name, tables.counters.c.value))
                    .all()) == {"change": 0, "audit": 0}
    database.upgrade()  # again: nothing to do
    assert database.current_revision() == "0002"


def test_backend_settings(database):
    with database.begin() as conn:
        if database.backend == "sqlite":
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        else:
            assert database.engine.pool._pre_ping
    assert database.engine.hide_parameters
    with database.begin(read_only=True) as conn:
        if database.backend == "postgresql":
            assert conn.execute(text("SHOW transaction_read_only")).scalar() == "on"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_file_is_owner_only(database):
    for suffix in ("", "-wal", "-shm"):
        path = database.file_path().with_name(database.file_path().name + suffix)
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, suffix


def test_error_text_holds_no_parameters(database):
    row = {"code_hash": "h" * 64, "user": MARKER, "role": "idva", "created_at": 1,
           "expires_at": 2}
    with database.begin() as conn:
        conn.execute(insert(tables.enrol_codes).values(**row))
    with pytest.raises(IntegrityError) as failed:
        with database.begin() as conn:
            conn.execute(insert(tables.enrol_codes).values(**row))
    assert MARKER not in str(failed.value) and MARKER not in repr(failed.value)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_reconnects_after_the_backend_is_terminated(database):
    with database.begin() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with maintenance_connection() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with database.begin() as conn:  # the pooled connection is dead; pre-ping replaces it
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid


def test_only_files_and_known_backends(tmp_path):
    with pytest.raises(ValueError):
        Database("sqlite://")
    with pytest.raises(ValueError):
        Database("mysql://x@y/z")
    Database(f"sqlite:///{tmp_path / 'x.db'}").dispose()
    assert stat.S_IMODE((tmp_path / "x.db").stat().st_mode) == 0o600
