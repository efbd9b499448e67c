"""The integrity check on open (threat T03): every unlock refuses a damaged or altered database.

:meth:`fieldapp.store.Store.open` (the CLI's and the desktop app's only way in) calls
:func:`check_on_open` before the app's own engine touches the file. It raises
:class:`DatabaseDamaged` (a :class:`StoreCorrupt`: exit status 4 in the CLI, the message in the
unlock window) when any of these finds a problem:

1. **The -wal file**, when there is one, read here byte for byte. SQLite's own recovery treats a
   frame whose checksum fails as the end of the log: that frame and every later one are dropped
   *without any error*, so a flipped byte in the -wal silently loses committed changes, and
   neither ``quick_check`` nor ``cipher_integrity_check`` (which reads the main file only) can
   see it. :func:`wal_problems` verifies the frame checksums itself and reports a failing frame
   when it provably was written whole: a later frame of the same log still verifies from it, or
   the difference is exactly one changed byte (header, page number, checksum or page bytes). A
   torn tail (a kill between a frame's header and its page, a power cut mid-transaction) is
   neither, and is dropped exactly as SQLite drops it: that transaction never committed. (So
   damage of several bytes in the very last frame passes for a torn write; and a disk that
   reorders writes inside one uncommitted transaction on a power cut could, in principle, make a
   torn one look written whole and be refused.)
2. **``PRAGMA quick_check``**, or the full ``PRAGMA integrity_check`` after an unclean shutdown
   (see below), and **``PRAGMA cipher_integrity_check``** (the HMAC of every page of the main
   file), through :func:`fieldapp.store.engine.integrity_problems`. A key that does not decrypt
   page 1 is damage when other pages do verify with it, and "not this database's key" when none
   does.

The checks run on separate **read-only** connections. The last read-write connection to close
checkpoints the -wal into the main file and deletes it, even after an error: a refusal would
itself "repair" the vault, destroying the evidence and the changes after a damaged frame, and
the next unlock would then succeed with them silently gone.

Unclean shutdown
----------------
The full check runs when the last session did not end cleanly. Two independent signs, either
one enough:

- **An open-session marker left behind.** Every open that passes the check writes a file
  ``fieldapp.db-open-<random>`` beside the database (durably, before the app can write anything)
  and deletes it on clean close, i.e. on lock (:meth:`Store.close` is the vault's lock hook) or
  quit. A kill, crash or power cut leaves it. One file per session, so one session's clean close
  never clears another's. After a full check passes, the markers found before it are removed
  (they have been dealt with); should one belong to a session still open in another process
  (a CLI command run while the desktop app is open), that session's crash is still caught by:
- **A non-empty -wal file.** SQLite deletes the -wal when the last connection closes cleanly; a
  non-empty one means a connection died, or is still open in another process (then the full
  check costs time, never safety).

A deleted marker only turns the full check into the quick one: ``cipher_integrity_check`` and
the -wal check run on every open whatever the markers say, and they are what catches a flipped
byte. The markers hold a fixed sentence and no personal data; their names hold a random token.
"""

from __future__ import annotations

import logging
import os
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from fieldapp.store.engine import StoreCorrupt, integrity_problems, verify_key
from fieldapp.vault.atomic import atomic_write

__all__ = [
    "DAMAGED_MESSAGE",
    "DatabaseDamaged",
    "IntegrityReport",
    "check_on_open",
    "mark_closed",
    "mark_open",
    "open_markers",
    "unclean_signs",
    "wal_path",
    "wal_problems",
]

log = logging.getLogger(__name__)

QUICK, FULL = "quick", "full"

DAMAGED_MESSAGE = (
    "The case database on this laptop failed its integrity check: a file is damaged or was "
    "changed, so nothing was opened. Restore the vault from a backup, or re-sync it from the "
    "station hub."
)
KEY_MISMATCH_MESSAGE = (
    "the database could not be read with this vault's key: it is damaged or does not belong to "
    "this key file"
)
MARKER_TEXT = (
    b"fieldapp open-session marker (no data). It is deleted when the vault is locked or the app "
    b"closes; found on the next unlock, it makes that unlock run the full integrity check.\n"
)


class DatabaseDamaged(StoreCorrupt):
    """The database or its -wal file failed the integrity check on open.

    ``problems`` are SQLite's and SQLCipher's own findings (pages, tables, indexes and -wal
    frames by number, never a stored value) for the log; the message is for the person.
    """

    def __init__(self, problems: Sequence[str], *, check: str) -> None:
        self.problems = list(problems)
        self.check = check
        super().__init__(DAMAGED_MESSAGE)


@dataclass(frozen=True)
class IntegrityReport:
    """What the check on open did: ``check`` is :data:`QUICK` or :data:`FULL`, ``reasons`` why
    it was full (empty for quick), ``wal_frames`` the -wal frames verified."""

    check: str
    reasons: tuple[str, ...]
    wal_frames: int
    seconds: float


# ------------------------------------------------------------------ session markers
def wal_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-wal")


def open_markers(db_path: Path) -> list[Path]:
    """The open-session markers beside ``db_path`` (this process's own included)."""
    prefix = f"{db_path.name}-open-"
    try:
        return sorted(p for p in db_path.parent.iterdir() if p.name.startswith(prefix))
    except FileNotFoundError:
        return []


def mark_open(db_path: Path) -> Path:
    """Write this session's marker, durably (file and directory entry fsynced)."""
    marker = db_path.with_name(f"{db_path.name}-open-{os.urandom(8).hex()}")
    atomic_write(marker, MARKER_TEXT, exclusive=True)
    return marker


def mark_closed(marker: Path | None) -> None:
    """Remove a session's marker (a clean close). Not fsynced: should the removal be lost in a
    power cut, the next unlock only runs the full check once more."""
    if marker is not None:
        try:
            marker.unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove an open-session marker")


def unclean_signs(db_path: Path) -> tuple[list[Path], list[str]]:
    """(markers found, reasons) for an unclean shutdown; no reasons means a clean one."""
    markers = open_markers(db_path)
    reasons = []
    if markers:
        reasons.append(f"{len(markers)} open-session marker(s) left")
    try:
        wal_size = wal_path(db_path).stat().st_size
    except FileNotFoundError:
        wal_size = 0
    if wal_size > 0:
        reasons.append("a -wal file left with changes in it")
    return markers, reasons


# ------------------------------------------------------------------ the check
def check_on_open(db_path: Path, raw_key_hex: str, *, force_full: bool = False
                  ) -> tuple[IntegrityReport, list[Path]]:
    """Check ``db_path`` before use; return the report and the markers it cleared the way for.

    Raises :class:`DatabaseDamaged` for damage, :class:`StoreCorrupt` when the key opens no
    page at all. The caller deletes the returned markers once its own is written.
    """
    started = time.perf_counter()
    markers, reasons = unclean_signs(db_path)
    if force_full and not reasons:
        reasons = ["asked for"]
    check = FULL if reasons else QUICK
    problems, frames = _wal_check(wal_path(db_path))
    if not problems:
        problems = _file_check(db_path, raw_key_hex, full=check == FULL)
    seconds = time.perf_counter() - started
    # Fixed messages and allow-listed extras (fieldapp.log). The findings are SQLite's and
    # SQLCipher's own texts: page, table, index and frame numbers, never a stored value.
    if problems:
        log.warning("integrity check on open failed", extra={
            "action": check, "count": len(problems), "status": "; ".join(problems[:10])})
        raise DatabaseDamaged(problems, check=check)
    log.info("integrity check on open passed", extra={
        "action": check, "status": ", ".join(reasons) or "clean shutdown", "count": frames,
        "seconds": round(seconds, 3)})
    return IntegrityReport(check=check, reasons=tuple(reasons), wal_frames=frames,
                           seconds=seconds), markers


def _wal_check(path: Path) -> tuple[list[str], int]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], 0
    problems, frames = wal_problems(data)
    if problems:  # a writer in another process may have been half-way through a frame: look again
        try:
            problems, frames = wal_problems(path.read_bytes())
        except FileNotFoundError:
            return [], 0
    return problems, frames


def _check_engine(db_path: Path, raw_key_hex: str) -> Engine:
    """Read-only connections, keyed like the app's (see the module docstring for why)."""
    uri = db_path.resolve().as_uri() + "?mode=ro"

    def connect():
        import sqlcipher3

        return sqlcipher3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)

    engine = create_engine(URL.create("sqlite+pysqlcipher", password=f"x'{raw_key_hex}'"),
                           creator=connect, poolclass=QueuePool, pool_size=2, max_overflow=0,
                           hide_parameters=True)  # two: integrity_problems runs two checks at once

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        # SQLCipher prints every HMAC failure to stderr (the CLI's terminal); the findings are
        # logged below through the app's own redacting logger instead. The level is
        # process-wide, which is what is wanted: the app's connections read the same pages.
        dbapi_conn.execute("PRAGMA cipher_log_level = NONE")
        dbapi_conn.execute("PRAGMA cipher_compatibility = 4")
        dbapi_conn.execute("PRAGMA temp_store = MEMORY")  # the full check sorts: never on disk
        # Nothing here may read a page (cache_size and journal_mode do): a damaged page 1 must
        # reach the checks, not fail the connection.

    return engine


def _file_check(db_path: Path, raw_key_hex: str, *, full: bool) -> list[str]:
    engine = _check_engine(db_path, raw_key_hex)
    try:
        try:
            verify_key(engine)
        except (DBAPIError, engine.dialect.loaded_dbapi.Error):
            return _unreadable(engine, db_path)
        return integrity_problems(engine, full=full)
    finally:
        engine.dispose()


def _unreadable(engine: Engine, db_path: Path) -> list[str]:
    """Page 1 does not decrypt. If some other page verifies with this key, the key is right and
    the file is damaged; if none does, the key belongs to another database (or the salt at the
    start of the file, from which every page's HMAC key is derived, was changed)."""
    failed = [p for p in integrity_problems(engine, full=False) if p.startswith("HMAC")]
    with engine.connect() as conn:  # a codec setting: answered without reading a page
        page_size = int(conn.exec_driver_sql("PRAGMA cipher_page_size").scalar_one())
    pages = db_path.stat().st_size // page_size
    if failed and len(failed) < pages:
        return ["page 1 cannot be decrypted", *failed]
    raise StoreCorrupt(KEY_MISMATCH_MESSAGE)


# ------------------------------------------------------------------ the -wal file
# https://sqlite.org/fileformat.html#the_write_ahead_log: a 32-byte header (magic, version, page
# size, checkpoint sequence, salt-1, salt-2, checksum-1, checksum-2) then frames of a 24-byte
# header (page number, database size after a commit or 0, salt-1, salt-2, checksum-1,
# checksum-2) and one page. The checksum runs on from frame to frame, over the first 8 bytes of
# each frame header and its page; all header fields are big-endian.
_MAGIC = (0x377F0682, 0x377F0683)  # low bit: checksum words big-endian
_VERSION = 3007000
_MASK = 0xFFFFFFFF


def _checksum(data: bytes, s1: int, s2: int, big: bool) -> tuple[int, int]:
    words = struct.unpack(f"{'>' if big else '<'}{len(data) // 4}I", data)
    for a, b in zip(words[0::2], words[1::2], strict=True):
        s1 = (s1 + a + s2) & _MASK
        s2 = (s2 + b + s1) & _MASK
    return s1, s2


def _fibonacci(n: int) -> list[int]:
    fib = [0, 1]
    while len(fib) <= n:
        fib.append((fib[-1] + fib[-2]) & _MASK)
    return fib


def _one_byte_apart(a: bytes, b: bytes) -> bool:
    return sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _one_byte_edit(data: bytes, start: tuple[int, int], stored: tuple[int, int],
                   big: bool) -> bool:
    """Whether ``data`` (checksummed from ``start``) or its ``stored`` checksum differs by one
    byte from something that verifies. A torn write leaves a random-looking difference instead:
    the odds of it passing for one byte are about 1 in 10^13 per frame.

    The checksum is linear: each step maps (s1, s2) to M·(s1, s2) + (a, a + b) with
    M = [[1, 1], [1, 2]], whose powers are Fibonacci numbers, so a change d in the first word of
    pair k (of n) moves the result by d·(F(2j+1), F(2j+2)) and in its second word by
    d·(F(2j), F(2j+1)), with j = n-1-k, all mod 2^32. For each word, solve for d and check that
    undoing it changes exactly one byte.
    """
    computed = _checksum(data, *start, big)
    if computed == stored:
        return False
    if _one_byte_apart(struct.pack(">2I", *computed), struct.pack(">2I", *stored)):
        return True  # the checksum field itself was edited
    d1, d2 = (stored[0] - computed[0]) & _MASK, (stored[1] - computed[1]) & _MASK
    pairs = len(data) // 8
    fib = _fibonacci(2 * pairs + 2)
    fmt = ">I" if big else "<I"
    for k in range(pairs):
        j = pairs - 1 - k
        for word, (u1, u2) in ((2 * k, (fib[2 * j + 1], fib[2 * j + 2])),
                               (2 * k + 1, (fib[2 * j], fib[2 * j + 1]))):
            if u1 & 1:  # consecutive Fibonacci numbers are coprime: one of the two is odd
                delta = d1 * pow(u1, -1, 1 << 32) & _MASK
                if (delta * u2 - d2) & _MASK:
                    continue
            else:
                delta = d2 * pow(u2, -1, 1 << 32) & _MASK
                if (delta * u1 - d1) & _MASK:
                    continue
            now = data[4 * word:4 * word + 4]
            (value,) = struct.unpack(fmt, now)
            if _one_byte_apart(now, struct.pack(fmt, (value + delta) & _MASK)):
                return True
    return False


def wal_problems(wal: bytes, *, page_size: int = 4096) -> tuple[list[str], int]:
    """(problems, frames verified) for the bytes of a -wal file: see the module docstring.

    Only frames of the current log count (its salts); a frame from an earlier log, left past the
    end of a shorter newer one, is where SQLite stops too.
    """
    if len(wal) < 32:
        return [], 0
    magic, version, psz, _seq, salt1, salt2, c1, c2 = struct.unpack(">8I", wal[:32])
    stored = (c1, c2)
    header = wal[:24]
    valid_psz = psz if 512 <= psz <= 65536 and psz & (psz - 1) == 0 else 0
    if (magic in _MAGIC and version == _VERSION and valid_psz
            and _checksum(header, 0, 0, bool(magic & 1)) == stored):
        return _frames(wal, valid_psz, (salt1, salt2), stored, bool(magic & 1))
    # SQLite ignores a log whose header fails: everything in it is dropped. That is only
    # harmless if SQLite never wrote a frame under this header (a torn header write).
    for big in (False, True):  # a changed magic number may also have changed the byte order
        if _one_byte_edit(header, (0, 0), stored, big):
            return ["the -wal header was changed after it was written"], 0
        frame = wal[32:32 + 24 + (valid_psz or page_size)]
        if len(frame) == 24 + (valid_psz or page_size):
            want = struct.unpack(">2I", frame[16:24])
            body = frame[:8] + frame[24:]
            for start in {stored, _checksum(header, 0, 0, big)}:
                if _checksum(body, *start, big) == want:
                    return ["the -wal header was changed after it was written"], 0
    return [], 0


def _frames(wal: bytes, psz: int, salts: tuple[int, int], state: tuple[int, int],
            big: bool) -> tuple[list[str], int]:
    size = 24 + psz
    count = (len(wal) - 32) // size

    def frame(i: int) -> tuple[bytes, tuple[int, int], tuple[int, int], int]:
        raw = wal[32 + i * size:32 + (i + 1) * size]
        pgno, _commit, s1, s2, k1, k2 = struct.unpack(">6I", raw[:24])
        return raw[:8] + raw[24:], (s1, s2), (k1, k2), pgno

    for i in range(count):
        body, frame_salts, want, pgno = frame(i)
        computed = _checksum(body, *state, big)
        if computed == want:
            if frame_salts != salts:
                return [f"-wal frame {i + 1} was changed after it was written (its salt)"], i
            if pgno == 0:
                return [], i
            state = computed
            continue
        # SQLite's log ends here. Damage if this frame was provably written whole.
        if frame_salts != salts:
            return [], i  # a frame of an earlier log: the normal end
        if _one_byte_edit(body, state, want, big):
            return [f"-wal frame {i + 1} of {count} was changed after it was written"], i
        if i + 1 < count:
            next_body, next_salts, next_want, _ = frame(i + 1)
            if next_salts == salts and any(_checksum(next_body, *start, big) == next_want
                                           for start in {want, computed}):
                return [f"-wal frame {i + 1} of {count} was changed after it was written "
                        "(the frames after it are intact)"], i
        return [], i  # a torn tail: never committed, dropped as SQLite drops it
    return [], count
