"""Open the SQLCipher database with a raw 32-byte key and the pragmas the design asks for."""

from __future__ import annotations

import logging
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event, text

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

    ``hide_parameters`` keeps bound values (personal data) out of exception text and logs.
    """
    key_pragma = f"PRAGMA key = \"x'{raw_key_hex}'\""

    def connect() -> sqlcipher.Connection:
        conn = sqlcipher.connect(str(db_path), check_same_thread=False, isolation_level=None)
        conn.execute(key_pragma)
        for pragma in PRAGMAS:
            conn.execute(pragma)
        return conn

    engine = create_engine(
        "sqlite+pysqlcipher://", creator=connect, hide_parameters=True, echo=False,
        pool_size=2, max_overflow=4, pool_pre_ping=False,
    )
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


def integrity_problems(engine: Engine) -> list[str]:
    """Results of both integrity checks; an empty list means the file is sound."""
    problems: list[str] = []
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("PRAGMA integrity_check").fetchall()
        problems += [r[0] for r in rows if r[0] != "ok"]
        rows = conn.exec_driver_sql("PRAGMA cipher_integrity_check").fetchall()
        problems += [r[0] for r in rows]
    return problems
