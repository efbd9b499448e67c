"""Every pooled connection carries the design's pragmas, not only the first one the pool opened.

The expected values are written out here (not read from ``engine.PRAGMAS``), and each is read
back with a ``PRAGMA`` query on the connection itself: a writer, a read-only unit of work and a
unit of work on a second thread, all held open at once so that each is a distinct connection.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from fieldapp.store import Store
from fieldapp.vault import Vault

PASSPHRASE = b"correct horse battery staple"

EXPECTED: dict[str, Any] = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "temp_store": 2,  # MEMORY
    "secure_delete": 1,
    "foreign_keys": 1,
    "busy_timeout": 10000,
    # cipher_compatibility = 4, as SQLCipher reports it setting by setting
    "cipher_page_size": "4096",
    "kdf_iter": "256000",
    "cipher_hmac_algorithm": "HMAC_SHA512",
    "cipher_kdf_algorithm": "PBKDF2_HMAC_SHA512",
    "cipher_use_hmac": "1",
    "cipher_plaintext_header_size": "0",
}


def settings_of(db: Any) -> dict[str, Any]:
    """Each expected pragma as this DB-API connection reports it, plus ``query_only``."""
    found = {}
    for name in (*EXPECTED, "query_only"):
        rows = db.execute(f"PRAGMA {name}").fetchall()
        assert len(rows) == 1, (name, rows)
        found[name] = rows[0][0]
    return found


def test_every_pooled_connection_has_the_pragmas_and_cipher_settings(tmp_path):
    vault = Vault.create(tmp_path / "vault", passphrase=bytearray(PASSPHRASE), user="idva1",
                         role="idva")
    store = Store.open(vault)
    try:
        seen: dict[str, tuple[int, dict[str, Any]]] = {}
        errors: list[BaseException] = []
        both_open = threading.Barrier(2, timeout=30)

        def on_second_thread() -> None:
            try:
                with store.uow(read_only=True) as reader:
                    db = reader.dbapi()
                    seen["thread reader"] = (id(db), settings_of(db))
                    both_open.wait()  # the main thread's writer and reader are still open
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)
                both_open.abort()

        with store.uow() as writer, store.uow(read_only=True) as reader:
            wdb, rdb = writer.dbapi(), reader.dbapi()
            seen["writer"] = (id(wdb), settings_of(wdb))
            seen["reader"] = (id(rdb), settings_of(rdb))
            thread = threading.Thread(target=on_second_thread)
            thread.start()
            with contextlib.suppress(threading.BrokenBarrierError):  # the thread's error, below
                both_open.wait()
            thread.join(30)
        assert errors == [] and not thread.is_alive()

        # once the readers are back in the pool, a second writer on another thread
        def second_writer() -> None:
            try:
                with store.uow() as uow:
                    db = uow.dbapi()
                    seen["thread writer"] = (id(db), settings_of(db))
            except BaseException as exc:
                errors.append(exc)

        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(30)
        assert errors == []

        assert set(seen) == {"writer", "reader", "thread reader", "thread writer"}
        held_at_once = {seen[k][0] for k in ("writer", "reader", "thread reader")}
        assert len(held_at_once) == 3  # three distinct pooled connections
        for role, (_, found) in seen.items():
            reading = role.endswith("reader")
            want = {**EXPECTED, "query_only": int(reading)}
            assert found == want, (role, {k: (found[k], v) for k, v in want.items() if found[k] != v})
    finally:
        vault.lock()
