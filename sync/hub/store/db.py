"""The hub's database: one engine for SQLite or PostgreSQL, transactions, and its migrations.

The same code path serves both backends; only the connection set-up differs:

- SQLite (``sqlite:///FILE``): WAL, ``synchronous=FULL`` (a commit survives power loss),
  foreign keys on, a busy timeout, and every writing transaction opened with ``BEGIN IMMEDIATE``
  so writers queue on the database lock up front instead of failing on a read-to-write upgrade.
- PostgreSQL (``postgresql+psycopg://``): ``pool_pre_ping`` so a terminated backend is replaced
  on the next checkout; read transactions run REPEATABLE READ READ ONLY (one snapshot per page).

SQL parameters are always hidden from error text (``hide_parameters=True``): a failed statement
must not put a sealed value's neighbours, a user's name or an id list in a log.

Every hub command checks the schema before it runs. Importing Alembic's machinery for that costs
about half a second, so :func:`head_revision` reads the ``revision``/``down_revision`` lines of
the migration files and :meth:`Database.current_revision` the version table with one SELECT;
Alembic itself is imported only to upgrade.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "hub_alembic_version"
BUSY_TIMEOUT_MS = 30_000
_READ_ONLY = "hub_read_only"

log = logging.getLogger(__name__)


_REVISION = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(?:[\"']([^\"']+)[\"']|None)",
                       re.MULTILINE)


def _alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest migration's id: the one revision no other migration names as its parent
    (read from the files; a branched history is an error, as it is for Alembic)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((name, value) for name, value in _REVISION.findall(
            path.read_text(encoding="utf-8")))
        if found.get("revision"):
            revisions.add(found["revision"])
            if found.get("down_revision"):
                parents.add(found["down_revision"])
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the hub's migrations have {len(heads)} heads, not one")
    return heads.pop()


class Database:
    """``Database(url)``: the engine plus :meth:`begin` (a transaction) and :meth:`upgrade`."""

    def __init__(self, url: str, *, pool_size: int = 5) -> None:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            if not parsed.database or parsed.database == ":memory:":
                raise ValueError("the hub needs an SQLite file, not an in-memory database")
            _private_file(Path(parsed.database))
            self.engine = create_engine(
                parsed, hide_parameters=True, pool_size=pool_size, max_overflow=10,
                connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})
            _sqlite_events(self.engine)
        elif backend == "postgresql":
            if parsed.get_driver_name() != "psycopg":
                parsed = parsed.set(drivername="postgresql+psycopg")
            self.engine = create_engine(parsed, hide_parameters=True, pool_pre_ping=True,
                                        pool_size=pool_size, max_overflow=10)
        else:
            raise ValueError("the hub's database URL must be sqlite:/// or postgresql+psycopg://")
        self.backend = backend
        self.url = parsed

    @contextlib.contextmanager
    def begin(self, *, read_only: bool = False) -> Iterator[Connection]:
        """A connection inside one transaction: committed when the block ends, rolled back if it
        raises. ``read_only`` gives one consistent snapshot without taking the write lock."""
        with self.engine.connect() as conn:
            if read_only:
                if self.backend == "postgresql":
                    conn = conn.execution_options(isolation_level="REPEATABLE READ",
                                                  postgresql_readonly=True)
                else:
                    conn = conn.execution_options(**{_READ_ONLY: True})
            with conn.begin():
                yield conn

    def upgrade(self, revision: str = "head") -> None:
        """Run the hub's own migrations (``sync/hub/store/migrations``) up to ``revision``."""
        from alembic import command

        cfg = _alembic_config()
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)

    def current_revision(self) -> str | None:
        """The revision recorded in the version table (None before the first upgrade)."""
        with self.engine.connect() as conn:
            if not inspect(conn).has_table(VERSION_TABLE):
                return None
            rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
        if len(rows) > 1:
            raise RuntimeError("the hub's database records more than one schema revision")
        return rows[0] if rows else None

    def file_path(self) -> Path | None:
        """The SQLite file (None on PostgreSQL)."""
        return Path(self.url.database) if self.backend == "sqlite" and self.url.database else None

    def dispose(self) -> None:
        self.engine.dispose()


def _private_file(path: Path) -> None:
    """Create the SQLite file owner-only before SQLite does (its -wal and -shm files take the
    main file's permissions)."""
    if path.exists() or not path.parent.is_dir():
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record) -> None:  # noqa: ANN001
        dbapi_conn.isolation_level = None  # the driver must not open transactions itself
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        read_only = conn.get_execution_options().get(_READ_ONLY, False)
        conn.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")
