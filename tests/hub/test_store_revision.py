"""The schema check every hub command runs, without importing Alembic: the head read from the
migration files is Alembic's own head, and the version table is read with one SELECT."""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

import subprocess
import sys

from db_fixtures import database, db_url  # noqa: F401

from sync.hub.store import db as store_db


def test_head_read_from_the_files_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    alembic_head = ScriptDirectory.from_config(store_db._alembic_config()).get_current_head()
    assert store_db.head_revision() == alembic_head


def test_current_revision_before_and_after_upgrade(database) -> None:
    assert database.current_revision() == store_db.head_revision()
    fresh = store_db.Database(str(database.url.set(database=database.url.database)))
    try:
        assert fresh.current_revision() == store_db.head_revision()
    finally:
        fresh.dispose()


def test_a_database_never_upgraded_has_no_revision(tmp_path) -> None:
    empty = store_db.Database(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        assert empty.current_revision() is None
    finally:
        empty.dispose()


def test_the_schema_check_does_not_import_alembic(tmp_path) -> None:
    code = ("import sys; from sync.hub.store import db; d = db.Database(sys.argv[1]); "
            "d.current_revision(); db.head_revision(); print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, f"sqlite:///{tmp_path / 'x.db'}"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
