"""Create, unlock, lock: the key round trip, file permissions and the lock routine."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from vault_helpers import PASSPHRASE, read_doc

from fieldapp.vault import (
    Vault,
    VaultError,
    VaultExists,
    VaultLocked,
    VaultNotFound,
    WeakPassphrase,
)
from fieldapp.vault import vault as vault_module


def test_create_unlock_lock_round_trip(folder: Path, vault: Vault) -> None:
    assert vault.is_unlocked
    key = vault.data_key()
    assert len(key) == 32
    assert vault.raw_key_hex() == key.hex()
    assert vault.db_path == folder / "fieldapp.db"
    assert not vault.db_path.exists()  # the vault never creates or touches the database

    buffer = vault._dek
    assert buffer is not None and bytes(buffer) == key
    vault.lock()
    assert not vault.is_unlocked
    assert buffer == bytearray(32)  # zeroed in place, not merely dropped
    with pytest.raises(VaultLocked):
        vault.data_key()
    with pytest.raises(VaultLocked):
        vault.raw_key_hex()

    reopened = Vault.open(folder)
    assert not reopened.is_unlocked
    reopened.unlock(bytearray(PASSPHRASE))
    assert reopened.data_key() == key
    vault.unlock(bytearray(PASSPHRASE))
    assert vault.data_key() == key


def test_info_and_slot_file_layout(folder: Path, vault: Vault) -> None:
    info = vault.info
    assert (info.role, info.format_version) == ("idva", 2)
    assert vault.new_owner == "u1"
    assert info.has_recovery_slot is False
    assert info.created_at.endswith("Z")
    doc = read_doc(folder)
    assert doc["format"] == 2 and doc["db_uuid"] == info.db_uuid
    assert "user" not in doc and "u1" not in (folder / Vault.SLOTS_NAME).read_text()
    assert doc["backoff"] == {"failures": 0, "next_allowed_at": 0}
    (slot,) = doc["slots"]
    assert slot["type"] == "passphrase" and slot["wrap_format"] == 2
    assert slot["kdf"] | {"salt": None} == {
        "alg": "argon2id",
        "v": 19,
        "m": 65536,
        "t": 3,
        "p": 4,
        "salt": None,
    }
    assert PASSPHRASE.decode() not in (folder / Vault.SLOTS_NAME).read_text()
    assert vault.raw_key_hex() not in (folder / Vault.SLOTS_NAME).read_text()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_permissions(folder: Path, vault: Vault) -> None:
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(folder / Vault.SLOTS_NAME).st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == [Vault.SLOTS_NAME]  # no temp files left


def test_exists_open_and_refusals(folder: Path, tmp_path: Path) -> None:
    assert not Vault.exists(folder)
    with pytest.raises(VaultNotFound):
        Vault.open(folder)
    Vault.create(folder, passphrase=bytearray(PASSPHRASE), user="u1", role="idva")
    assert Vault.exists(folder)
    with pytest.raises(VaultExists):
        Vault.create(folder, passphrase=bytearray(PASSPHRASE), user="u1", role="idva")

    orphan = tmp_path / "orphan"
    orphan.mkdir()
    (orphan / Vault.DB_NAME).write_bytes(b"an existing database")
    with pytest.raises(VaultExists):
        Vault.create(orphan, passphrase=bytearray(PASSPHRASE), user="u1", role="idva")
    assert (orphan / Vault.DB_NAME).read_bytes() == b"an existing database"


def test_create_rejects_weak_passphrase_and_bad_role(folder: Path) -> None:
    with pytest.raises(WeakPassphrase):
        Vault.create(folder, passphrase=bytearray(b"short"), user="u1", role="idva")
    with pytest.raises(VaultError, match="role"):
        Vault.create(folder, passphrase=bytearray(PASSPHRASE), user="u1", role="admin")
    assert not Vault.exists(folder)


def test_each_vault_gets_its_own_key(tmp_path: Path) -> None:
    a = Vault.create(tmp_path / "a", passphrase=bytearray(PASSPHRASE), user="u", role="idva")
    b = Vault.create(tmp_path / "b", passphrase=bytearray(PASSPHRASE), user="u", role="idva")
    assert a.data_key() != b.data_key()
    assert a.info.db_uuid != b.info.db_uuid


def test_change_passphrase_keeps_the_key(folder: Path, vault: Vault) -> None:
    key = vault.data_key()
    old_slot = read_doc(folder)["slots"][0]
    new = b"a different long passphrase"
    vault.change_passphrase(new_passphrase=bytearray(new))
    new_slot = read_doc(folder)["slots"][0]
    assert new_slot["kdf"]["salt"] != old_slot["kdf"]["salt"]
    assert new_slot["wrapped_dek"] != old_slot["wrapped_dek"]
    assert vault.data_key() == key
    reopened = Vault.open(folder)
    reopened.unlock(bytearray(new))
    assert reopened.data_key() == key


def test_change_passphrase_needs_unlock_and_policy(vault: Vault) -> None:
    with pytest.raises(WeakPassphrase):
        vault.change_passphrase(new_passphrase=bytearray(b"111111111111"))
    vault.lock()
    with pytest.raises(VaultLocked):
        vault.change_passphrase(new_passphrase=bytearray(b"a different long passphrase"))


def test_lock_runs_callbacks_first_then_wipes(vault: Vault) -> None:
    seen: list[str] = []
    buffer = vault._dek

    def dispose() -> None:
        seen.append("dispose, key still there" if vault.is_unlocked else "too late")

    def broken() -> None:
        raise RuntimeError("victim name in a message")

    def ui_clear() -> None:
        seen.append("ui")

    vault.add_on_lock(broken)
    vault.add_on_lock(dispose)
    vault.add_on_lock(dispose)  # a repeat registration is ignored
    vault.add_on_lock(ui_clear, persistent=True)
    vault.lock()
    assert seen == ["dispose, key still there", "ui"]
    assert buffer == bytearray(32)  # a failing callback does not stop the wipe

    vault.unlock(bytearray(PASSPHRASE))
    vault.lock()  # one-shot callbacks ran once; the persistent one runs again
    assert seen == ["dispose, key still there", "ui", "ui"]
    vault.remove_on_lock(ui_clear)
    vault.lock()
    assert seen[-1] == "ui" and len(seen) == 3


def test_lock_during_unlock_discards_the_key(
    folder: Path, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.lock()
    real = vault_module.try_passphrase_slot

    def racing(*args, **kwargs):
        vault.lock()  # e.g. Ctrl+L pressed while Argon2id runs in the worker thread
        return real(*args, **kwargs)

    monkeypatch.setattr(vault_module, "try_passphrase_slot", racing)
    with pytest.raises(VaultLocked):
        vault.unlock(bytearray(PASSPHRASE))
    assert not vault.is_unlocked


def test_unlock_twice_replaces_and_wipes_the_old_buffer(vault: Vault) -> None:
    first = vault._dek
    key = vault.data_key()
    vault.unlock(bytearray(PASSPHRASE))
    assert vault.data_key() == key
    assert vault._dek is not first and first == bytearray(32)


def test_repr_and_errors_hold_no_secrets(folder: Path, vault: Vault) -> None:
    assert vault.raw_key_hex() not in repr(vault)
    assert "u1" not in repr(vault) and str(folder) not in repr(vault)


def test_lock_during_change_passphrase_saves_nothing(
    folder: Path, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (folder / Vault.SLOTS_NAME).read_bytes()
    real = vault_module.make_passphrase_slot

    def racing(**kwargs):
        vault.lock()
        return real(**kwargs)

    monkeypatch.setattr(vault_module, "make_passphrase_slot", racing)
    with pytest.raises(VaultLocked):
        vault.change_passphrase(new_passphrase=bytearray(b"a different long passphrase"))
    assert (folder / Vault.SLOTS_NAME).read_bytes() == before
