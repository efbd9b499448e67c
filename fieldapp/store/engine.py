"""Open the SQLCipher database with a raw 32-byte key and the pragmas the design asks for."""

from __future__ import annotations

import json
import logging
import threading
import weakref
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, Table, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from fieldapp.store.types import UtcDateTime

log = logging.getLogger(__name__)

PRAGMAS = (
    # SQLCipher writes every failure ("ERROR CORE sqlcipher_page_cipher: hmac check failed ...")
    # to stderr by default (cipher_log_level WARN): a user's terminal, before the app's own
    # message. The level is process-wide; what failed is reported through the app's errors and
    # its redacting log instead. First, so it is set before any page is read.
    "PRAGMA cipher_log_level = NONE",
    "PRAGMA cipher_compatibility = 4",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA secure_delete = ON",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 10000",
    # 32 MiB of page cache per connection (SQLite's default is 2 MiB). Every page read from disk
    # is decrypted and its HMAC checked; with the default cache a board search over 50,000 cases
    # re-decrypted the whole cases table on each keystroke (600 ms; 90 ms with this cache).
    "PRAGMA cache_size = -32768",
)


_closed_flags: weakref.WeakKeyDictionary[Engine, threading.Event] = weakref.WeakKeyDictionary()


class StoreClosed(Exception):
    """The vault was locked: this engine will not open another connection."""


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
        # The most recently returned connection first: its page cache holds decrypted pages and
        # is still valid after its own writes (another connection's write empties it).
        pool_use_lifo=True,
        connect_args={"check_same_thread": False},
    )

    closed = threading.Event()
    _closed_flags[engine] = closed

    @event.listens_for(engine, "do_connect")
    def _refuse_when_closed(*_args) -> None:
        # The key sits in the engine's URL; once locked, no code path may open a new connection.
        if closed.is_set():
            raise StoreClosed("the vault is locked; unlock it to continue")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None
        for pragma in PRAGMAS:
            dbapi_conn.execute(pragma)

    _use_explicit_transactions(engine)
    return engine


def close_engine(engine: Engine) -> None:
    """Refuse new connections, then close every pooled one."""
    flag = _closed_flags.get(engine)
    if flag is not None:
        flag.set()
    engine.dispose()


READ_ONLY = "fieldapp_read_only"


def read_only(engine: Engine) -> Engine:
    """The same engine (same pool) for units of work that only read: see below."""
    return engine.execution_options(**{READ_ONLY: True})


def _use_explicit_transactions(engine: Engine) -> None:
    # pysqlite's implicit transaction handling is off (isolation_level=None); SQLAlchemy issues
    # BEGIN itself so that a transaction really spans every statement of a unit of work.
    # A writer takes the write lock up front (BEGIN IMMEDIATE), so it never fails half-way on a
    # busy database. A reader must not: in WAL mode readers never wait for the writer, and a board
    # search or the dashboard's KPIs holding the write lock made every save queue behind them
    # (and the board queue behind every import batch). A reader's transaction is a plain BEGIN
    # with ``query_only`` on, so an accidental write in it fails loudly instead of taking the lock.
    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        reading = bool(conn.get_execution_options().get(READ_ONLY))
        db, state = conn.connection.dbapi_connection, conn.connection.info
        if state.get(READ_ONLY, False) != reading:  # a pooled connection keeps its last setting
            db.execute(f"PRAGMA query_only = {'ON' if reading else 'OFF'}")
            state[READ_ONLY] = reading
        db.execute("BEGIN" if reading else "BEGIN IMMEDIATE")


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


def integrity_problems(engine: Engine, *, full: bool = True) -> list[str]:
    """What SQLite's and SQLCipher's integrity checks find; an empty list means the file is sound.

    ``full`` runs ``PRAGMA integrity_check``; otherwise ``PRAGMA quick_check``, which makes the
    same page and b-tree checks but does not compare every index with its table (linear time
    instead of N log N). ``PRAGMA cipher_integrity_check`` (each page's HMAC, main file only)
    always runs. A damaged file never raises here: a check that stops on a page it cannot
    decrypt ("database disk image is malformed") is reported as one more problem, so callers
    get the whole list. The texts name pages, tables and indexes, never a stored value.

    Both checks read every page, and SQLite lets go of the GIL while it works, so they run side
    by side, each on its own pooled connection: on two cores the pair takes as long as the
    longer one (at 50,000 cases about half the time of one after the other).
    """
    errors: tuple[type[BaseException], ...] = (DBAPIError, engine.dialect.loaded_dbapi.Error)

    def check(pragma: str) -> list[str]:
        try:
            rows = _raw(engine, f"PRAGMA {pragma}")
        except errors as exc:
            return [f"{pragma} stopped: {getattr(exc, 'orig', None) or exc}"]
        return [str(r[0]) for r in rows if r[0] != "ok"]

    pragmas = ("integrity_check" if full else "quick_check", "cipher_integrity_check")
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="integrity-check") as pool:
        return [problem for found in pool.map(check, pragmas) for problem in found]


# ---- bulk inserts ------------------------------------------------------------------------------
# A Core ``insert()`` with a list of dicts runs every value through SQLAlchemy's per-parameter
# bind processing; for the 100,000-row tracker import that bookkeeping cost more than SQLite
# itself. Bulk writers instead build tuples already in stored form, with the helpers below (each
# exactly what the column type would store), and hand them to one executemany.

_json_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def utc_text(value: datetime | None) -> str | None:
    """Exactly ``UtcDateTime().process_bind_param(value)``, without strftime's cost."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        if value.tzinfo is None:
            raise ValueError("naive datetime reached the store; convert to UTC first")
        value = value.astimezone(UTC)
    if value.year < 1000:  # isoformat pads the year to four digits; strftime does not
        return UtcDateTime().process_bind_param(value, None)
    return value.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def json_text(value: Any) -> str | None:
    """Exactly ``JsonText().process_bind_param(value)``: canonical JSON, sorted keys."""
    if type(value) is EncodedJson:
        return value.text
    return None if value is None else _json_encode(value)


class EncodedJson(dict):
    """A JSON object that carries its canonical text, made once where it is built (the tracker
    import makes its outbox payloads on the reading thread, not the writing one): the text is
    exactly what :func:`json_text` makes of the same dict. Not to be changed after that.
    """

    __slots__ = ("text",)

    def __init__(self, items: dict[str, Any]):
        super().__init__(items)
        self.text: str = _json_encode(items)


_SQL: dict[tuple[str, tuple[str, ...]], str] = {}


def _check_columns(table: Table, columns: Sequence[str]) -> None:
    unknown = [c for c in columns if c not in table.columns]
    missing = [c.name for c in table.columns if c.name not in columns and c.default is not None]
    if unknown or missing:
        raise ValueError(f"insert into {table.name}: unknown {unknown}, missing {missing}")


def _insert_sql(table: Table, columns: Sequence[str]) -> str:
    key = (table.name, tuple(columns))
    sql = _SQL.get(key)
    if sql is None:
        _check_columns(table, columns)
        sql = _SQL[key] = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
                           f"VALUES ({', '.join('?' for _ in columns)})")
    return sql


def insert_tuples(conn: Connection, table: Table, columns: Sequence[str],
                  rows: Sequence[tuple]) -> int:
    """INSERT ``rows`` (tuples in stored form, in ``columns`` order) with one executemany.

    Column defaults are not applied here, so every column that has one must be given.
    """
    if not rows:
        return 0
    sql = _insert_sql(table, columns)
    # Straight to the DB-API cursor (same transaction): SQLAlchemy's statement bookkeeping cost
    # more than a visit save's audit and outbox inserts. sqlite's own errors carry no values.
    conn.connection.dbapi_connection.executemany(sql, rows)
    return len(rows)


_FEW_ROWS = 64
_rows_json = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode
_JSON_SQL: dict[tuple[str, tuple[str, ...]], str] = {}


def insert_json(db: Any, table: Table, columns: Sequence[str], rows: Sequence[tuple]) -> int:
    """INSERT ``rows`` (as for :func:`insert_tuples`) with one statement on the DB-API
    connection ``db``: the rows go in as one JSON array that SQLite unpacks itself.

    Same stored values as the executemany (text, integers, booleans as 0/1, reals, NULL), but
    one call that runs without the GIL from start to end. An executemany lets go of the GIL for
    each row and must then wait to get it back (up to the 5 ms switch interval) whenever another
    thread is running Python, as the tracker import's reader is while its writer inserts.
    """
    if not rows:
        return 0
    if len(rows) <= _FEW_ROWS:  # a visit save's handful: no other thread is waiting on it
        db.executemany(_insert_sql(table, columns), rows)
        return len(rows)
    key = (table.name, tuple(columns))
    sql = _JSON_SQL.get(key)
    if sql is None:
        _check_columns(table, columns)
        picks = ", ".join(f"value->>{i}" for i in range(len(columns)))
        sql = _JSON_SQL[key] = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
                                f"SELECT {picks} FROM json_each(?)")
    db.execute(sql, (_rows_json(rows),))
    return len(rows)
