"""Open the SQLCipher database with a raw 32-byte key and the pragmas the design asks for."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event, text
from sqlalchemy.pool import QueuePool

log = logging.getLogger(__name__)

PRAGMAS = (
    "PRAGMA cipher_compatibility = 4",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA secure_delete = ON",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 10000",
)


class StoreCorrupt(Exception):
    """The database failed an integrity check: a tampered or damaged file."""


def open_engine(db_path: Path, raw_key_hex: str) -> Engine:
    """An engine whose every connection is keyed before any other statement runs.

    The pysqlcipher dialect sends ``PRAGMA key`` from the URL password first on each connection;
    the ``x'..'`` form makes it a raw key, so SQLCipher's own PBKDF2 is skipped (the vault did
    Argon2id already). ``hide_parameters`` keeps bound values (personal data) out of exception
    text and logs, and ``repr(engine.url)`` masks the key.
    """
    url = URL.create("sqlite+pysqlcipher", password=f"x'{raw_key_hex}'", database=str(db_path))
    engine = create_engine(
        url, hide_parameters=True, echo=False, poolclass=QueuePool, pool_size=2, max_overflow=4,
        connect_args={"check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None
        for pragma in PRAGMAS:
            dbapi_conn.execute(pragma)

    _use_explicit_transactions(engine)
    return engine


def _use_explicit_transactions(engine: Engine) -> None:
    # pysqlite's implicit transaction handling is off (isolation_level=None); SQLAlchemy issues
    # BEGIN itself so that a transaction really spans every statement of a unit of work.
    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def verify_key(engine: Engine) -> None:
    """Touch the schema: a wrong key fails here with 'file is not a database'."""
    with engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()


def _raw(engine: Engine, sql: str) -> list[tuple]:
    """Run a pragma outside any transaction (checkpoints and checks refuse to run inside one)."""
    with engine.connect() as conn:
        return conn.connection.driver_connection.execute(sql).fetchall()


def checkpoint(engine: Engine) -> None:
    _raw(engine, "PRAGMA wal_checkpoint(TRUNCATE)")


def integrity_problems(engine: Engine) -> list[str]:
    """Results of both integrity checks; an empty list means the file is sound."""
    problems = [r[0] for r in _raw(engine, "PRAGMA integrity_check") if r[0] != "ok"]
    problems += [r[0] for r in _raw(engine, "PRAGMA cipher_integrity_check")]
    return problems
