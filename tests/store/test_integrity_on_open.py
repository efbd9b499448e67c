"""T03: the integrity check on open, with real vaults and real SQLCipher files.

A flipped byte in a data page of the database or in a frame of its -wal file is refused with
DatabaseDamaged (the CLI's exit 4, the unlock window's message); an unclean shutdown makes the
next open run the full integrity_check; integrity_problems() lists problems without raising.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fieldapp.services import demo
from fieldapp.store import DatabaseDamaged, Store, StoreCorrupt, integrity
from fieldapp.store import engine as engine_module
from fieldapp.store.engine import close_engine, integrity_problems, open_engine
from fieldapp.vault import Vault

PASSPHRASE = b"correct horse battery staple"
FRAME = 24 + 4096  # a -wal frame: 24-byte header, one 4 KiB page


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDAPP_TEST_FAST_KDF", "1")


def unlock(folder: Path) -> Vault:
    vault = Vault.open(folder)
    vault.unlock(bytearray(PASSPHRASE))
    return vault


def fill(store: Store, cases: int, seed: int = 1) -> None:
    with store.uow() as uow:
        demo.fill_demo(uow=uow, cases=cases, me="IDVA01", seed=seed)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A locked vault holding 40 demo cases, closed cleanly."""
    folder = tmp_path / "vault"
    vault = Vault.create(folder, passphrase=bytearray(PASSPHRASE), user="IDVA01", role="idva")
    fill(Store.open(vault), 40)
    vault.lock()
    return folder


def cases_root_page(folder: Path) -> int:
    vault = unlock(folder)
    store = Store.open(vault)
    with store.engine.connect() as conn:
        page = conn.exec_driver_sql(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'cases'").scalar()
    vault.lock()
    return int(page)


def flip(path: Path, offset: int, mask: int = 0x20) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= mask
    path.write_bytes(bytes(data))


def executed_pragmas(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement the integrity checks send (they all go through engine._raw; the two
    checks run side by side, so in either order)."""
    seen: list[str] = []
    real = engine_module._raw

    def spy(engine, sql):
        seen.append(sql)
        return real(engine, sql)

    monkeypatch.setattr(engine_module, "_raw", spy)
    return seen


# ------------------------------------------------------------------ a flipped byte in the main file
def test_a_sound_vault_opens_after_the_quick_check(folder: Path, monkeypatch) -> None:
    pragmas = executed_pragmas(monkeypatch)
    vault = unlock(folder)
    store = Store.open(vault)
    assert store.integrity is not None and store.integrity.check == "quick"
    assert store.integrity.reasons == ()
    assert sorted(pragmas) == ["PRAGMA cipher_integrity_check", "PRAGMA quick_check"]
    vault.lock()


def test_a_flipped_byte_in_a_data_page_is_refused(folder: Path) -> None:
    page = cases_root_page(folder)  # the cases table: its rows are on this page
    assert page > 1
    db = folder / Vault.DB_NAME
    flip(db, (page - 1) * 4096 + 1000)
    damaged = db.read_bytes()
    vault = unlock(folder)
    with pytest.raises(DatabaseDamaged) as caught:
        Store.open(vault)
    message = str(caught.value)
    assert "Restore the vault from a backup" in message
    assert "re-sync it from the station hub" in message
    assert f"HMAC verification failed for page {page}" in caught.value.problems
    assert isinstance(caught.value, StoreCorrupt)  # what the CLI maps to exit 4
    # Refused without writing: same bytes, no session marker, and the next try is refused too.
    assert db.read_bytes() == damaged
    assert integrity.open_markers(db) == []
    with pytest.raises(DatabaseDamaged):
        Store.open(vault)
    vault.lock()


def test_damage_on_page_one_is_damage_not_a_wrong_key(folder: Path) -> None:
    db = folder / Vault.DB_NAME
    flip(db, 2000)  # inside page 1, past the salt: the key still verifies every other page
    vault = unlock(folder)
    with pytest.raises(DatabaseDamaged) as caught:
        Store.open(vault)
    assert "HMAC verification failed for page 1" in caught.value.problems
    vault.lock()


def test_a_key_that_fits_no_page_is_not_called_damage(folder: Path, tmp_path: Path) -> None:
    other = Vault.create(tmp_path / "other", passphrase=bytearray(PASSPHRASE), user="IDVA01",
                         role="idva")
    Store.open(other).close()
    shutil.copy(tmp_path / "other" / Vault.DB_NAME, folder / Vault.DB_NAME)  # another vault's db
    other.lock()
    vault = unlock(folder)
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(vault)
    assert not isinstance(caught.value, DatabaseDamaged)
    assert "does not belong to this key file" in str(caught.value)
    vault.lock()


# ------------------------------------------------------------------ a flipped byte in the -wal file
@pytest.fixture
def wal_state(tmp_path: Path) -> tuple[Path, bytes, bytes, int]:
    """A vault with committed changes still in its -wal file, as a crash leaves it: the files
    are copied while the store is open (no checkpoint since the changes), then put back after
    the clean close. Returns (folder, db bytes, -wal bytes, cases committed)."""
    folder = tmp_path / "walvault"
    vault = Vault.create(folder, passphrase=bytearray(PASSPHRASE), user="IDVA01", role="idva")
    store = Store.open(vault)
    fill(store, 40, seed=1)
    store.close()  # checkpointed: the first 40 cases are in the main file
    store = Store.open(vault)
    fill(store, 5, seed=2)  # these five only in the -wal
    db, wal = folder / Vault.DB_NAME, integrity.wal_path(folder / Vault.DB_NAME)
    db_bytes, wal_bytes = db.read_bytes(), wal.read_bytes()
    vault.lock()
    assert not wal.exists()
    return folder, db_bytes, wal_bytes, 45


def put_back(folder: Path, db_bytes: bytes, wal_bytes: bytes) -> None:
    db = folder / Vault.DB_NAME
    db.write_bytes(db_bytes)
    integrity.wal_path(db).write_bytes(wal_bytes)
    db.with_name(db.name + "-shm").unlink(missing_ok=True)


def count_cases(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM cases").scalar()


def test_an_intact_wal_left_behind_opens_with_its_changes(wal_state) -> None:
    folder, db_bytes, wal_bytes, cases = wal_state
    frames = (len(wal_bytes) - 32) // FRAME
    assert frames >= 3
    put_back(folder, db_bytes, wal_bytes)
    vault = unlock(folder)
    store = Store.open(vault)
    assert store.integrity.check == "full" and store.integrity.wal_frames == frames
    assert count_cases(store) == cases
    vault.lock()


@pytest.mark.parametrize("where", ["first frame", "middle frame", "last frame"])
def test_a_flipped_byte_in_a_wal_frame_is_refused(wal_state, where: str) -> None:
    folder, db_bytes, wal_bytes, _ = wal_state
    frames = (len(wal_bytes) - 32) // FRAME
    index = {"first frame": 0, "middle frame": frames // 2, "last frame": frames - 1}[where]
    damaged = bytearray(wal_bytes)
    damaged[32 + index * FRAME + 24 + 1234] ^= 0x01  # one bit of the frame's (encrypted) page
    put_back(folder, db_bytes, bytes(damaged))
    vault = unlock(folder)
    with pytest.raises(DatabaseDamaged) as caught:
        Store.open(vault)
    assert "re-sync it from the station hub" in str(caught.value)
    assert any(f"-wal frame {index + 1} " in p for p in caught.value.problems)
    # The evidence is kept: the -wal was not checkpointed away, so a second try is refused too.
    wal = integrity.wal_path(folder / Vault.DB_NAME)
    assert wal.read_bytes() == bytes(damaged)
    with pytest.raises(DatabaseDamaged):
        Store.open(vault)
    vault.lock()


def test_a_refusal_leaves_the_database_and_its_wal_as_they_were(wal_state) -> None:
    """A damaged main file with a -wal left beside it: the check reads through read-only
    connections, so refusing does not checkpoint the -wal into the file and delete it."""
    folder, db_bytes, wal_bytes, _ = wal_state
    damaged = bytearray(db_bytes)
    damaged[len(damaged) // 2] ^= 0x10
    put_back(folder, bytes(damaged), wal_bytes)
    vault = unlock(folder)
    with pytest.raises(DatabaseDamaged):
        Store.open(vault)
    db = folder / Vault.DB_NAME
    assert db.read_bytes() == bytes(damaged)
    assert integrity.wal_path(db).read_bytes() == wal_bytes
    vault.lock()


def test_a_torn_last_frame_is_what_a_crash_leaves_and_opens(wal_state) -> None:
    """A kill between a frame's header and its page leaves stale bytes in the page: never
    committed, so dropped (as SQLite drops it) rather than refused."""
    folder, db_bytes, wal_bytes, cases = wal_state
    torn = bytearray(wal_bytes)
    torn[len(torn) - 4096:] = os.urandom(4096)
    put_back(folder, db_bytes, bytes(torn))
    vault = unlock(folder)
    store = Store.open(vault)
    assert store.integrity.check == "full"
    assert count_cases(store) < cases  # the last transaction, whose commit frame tore, is gone
    vault.lock()


def test_wal_problems_on_a_sound_and_a_damaged_log(wal_state) -> None:
    _, _, wal_bytes, _ = wal_state
    frames = (len(wal_bytes) - 32) // FRAME
    assert integrity.wal_problems(wal_bytes) == ([], frames)
    for offset in (5, 32 + 3, 32 + 9, 32 + 17, 32 + FRAME + 24 + 7):  # header, pgno, salt,
        damaged = bytearray(wal_bytes)                                  # checksum, page byte
        damaged[offset] ^= 0xFF
        assert integrity.wal_problems(bytes(damaged))[0], offset


# ------------------------------------------------------------------ unclean shutdown: the full check
def test_a_marker_left_set_makes_the_next_open_run_the_full_check(folder: Path,
                                                                 monkeypatch) -> None:
    vault = unlock(folder)
    store = Store.open(vault)
    db = folder / Vault.DB_NAME
    (marker,) = integrity.open_markers(db)
    left = marker.read_bytes()
    vault.lock()
    assert integrity.open_markers(db) == []  # a clean close removes it
    marker.write_bytes(left)  # as an unclean shutdown leaves it

    pragmas = executed_pragmas(monkeypatch)
    vault = unlock(folder)
    store = Store.open(vault)
    assert store.integrity.check == "full"
    assert store.integrity.reasons == ("1 open-session marker(s) left",)
    assert sorted(pragmas) == ["PRAGMA cipher_integrity_check", "PRAGMA integrity_check"]
    assert integrity.open_markers(db) != [marker]  # the old marker is gone, only this session's
    vault.lock()

    pragmas.clear()
    vault = unlock(folder)
    assert Store.open(vault).integrity.check == "quick"  # once was enough
    assert sorted(pragmas) == ["PRAGMA cipher_integrity_check", "PRAGMA quick_check"]
    vault.lock()


def test_a_killed_session_makes_the_next_open_run_the_full_check(folder: Path) -> None:
    child = textwrap.dedent("""
        import sys, time
        from fieldapp.store import Store
        from fieldapp.vault import Vault
        vault = Vault.open(sys.argv[1])
        vault.unlock(bytearray(b"correct horse battery staple"))
        store = Store.open(vault)
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE meta SET value = value WHERE key = 'owner_user'")
        print("OPEN", flush=True)
        time.sleep(60)
    """)
    env = {**os.environ, "FIELDAPP_TEST_FAST_KDF": "1", "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", child, str(folder)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "OPEN"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    vault = unlock(folder)
    store = Store.open(vault)
    assert store.integrity.check == "full"
    assert "1 open-session marker(s) left" in store.integrity.reasons
    vault.lock()


def test_check_integrity_false_writes_no_marker(folder: Path) -> None:
    vault = unlock(folder)
    store = Store.open(vault, check_integrity=False)
    assert store.integrity is None
    assert integrity.open_markers(folder / Vault.DB_NAME) == []
    vault.lock()


# ------------------------------------------------------------------ integrity_problems()
def test_integrity_problems_lists_damage_and_never_raises(folder: Path) -> None:
    vault = unlock(folder)
    key = vault.raw_key_hex()
    vault.lock()
    db = folder / Vault.DB_NAME
    sound = open_engine(db, key)
    try:
        assert integrity_problems(sound) == []
        assert integrity_problems(sound, full=False) == []
    finally:
        close_engine(sound)

    page = cases_root_page(folder)
    flip(db, (page - 1) * 4096 + 300)
    damaged = open_engine(db, key)
    try:
        for full in (True, False):
            problems = integrity_problems(damaged, full=full)
            assert f"HMAC verification failed for page {page}" in problems
            check = "integrity_check" if full else "quick_check"
            assert any(p.startswith(f"{check} stopped:") for p in problems), problems
    finally:
        close_engine(damaged)
