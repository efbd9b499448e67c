"""Bring the database schema to head with Alembic, taking a backup before any upgrade."""

from __future__ import annotations

import shutil
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

from fieldapp.store.engine import checkpoint

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def knows_revision(revision: str) -> bool:
    """Whether this version of the app has a migration with this id (a newer app may not)."""
    try:
        return ScriptDirectory.from_config(_config()).get_revision(revision) is not None
    except CommandError:
        return False


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, *, db_path: Path | None = None, revision: str = "head") -> None:
    """Migrate forward; an existing database is copied first (still encrypted) as a backup."""
    current = current_revision(engine)
    target = head_revision() if revision == "head" else revision
    if current == target:
        return
    if current is not None and db_path is not None and db_path.exists():
        _backup(engine, db_path, current)
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _backup(engine: Engine, db_path: Path, revision: str) -> None:
    checkpoint(engine)
    backup = db_path.with_name(f"{db_path.name}.before-{revision}.bak")
    shutil.copy2(db_path, backup)
    backup.chmod(0o600)
