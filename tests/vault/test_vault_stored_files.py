"""Tested against stored old files: the committed format-1 slot file must keep opening.

``data/keyslots-v1.json`` and ``data/TEST-ONLY-recovery-private.pem`` were written once by
``data/make_keyslots_v1.py``; the data key below is the one that script printed. If this test
fails, a change broke compatibility with vaults already on laptops: add a migration instead.

Format 1 held the user's name in plaintext; opening it migrates the file to format 2 on disk
(no name; each slot keeps the format it was wrapped under), and its backup keeps no name either.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fieldapp.store.engine import close_engine, open_engine
from fieldapp.vault import Vault

DATA = Path(__file__).parent / "data"
FIXTURE_PASSPHRASE = b"correct horse battery staple"
FIXTURE_RECOVERY_PASSWORD = b"test-only recovery password"
FIXTURE_DEK_HEX = "64c97e26a341f070a69b8a4beed670a9b10f2ee77c7e0ff63ef85b3b12709501"
FIXTURE_DB_UUID = "cc055d07-001f-44d0-900d-e89ea5fd6bb6"


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    folder = tmp_path / "stored"
    folder.mkdir()
    shutil.copyfile(DATA / "keyslots-v1.json", folder / Vault.SLOTS_NAME)
    return folder


FIXTURE_USER = b"fixture-user"


def test_stored_v1_file_unlocks_with_passphrase(stored: Path) -> None:
    assert FIXTURE_USER in (DATA / "keyslots-v1.json").read_bytes()  # the old format's leak
    vault = Vault.open(stored)
    info = vault.info
    assert (info.format_version, info.db_uuid, info.role) == (2, FIXTURE_DB_UUID, "idva")
    assert info.has_recovery_slot
    vault.unlock(bytearray(FIXTURE_PASSPHRASE))
    assert vault.raw_key_hex() == FIXTURE_DEK_HEX
    migrated = json.loads((stored / Vault.SLOTS_NAME).read_bytes())
    assert migrated["format"] == 2 and "user" not in migrated
    assert [s["wrap_format"] for s in migrated["slots"]] == [1, 1]
    backup = json.loads((stored / "keyslots.v1.bak.json").read_bytes())
    assert backup["format"] == 1 and backup["user"] == ""
    assert backup["slots"] == json.loads((DATA / "keyslots-v1.json").read_bytes())["slots"]
    for path in stored.iterdir():
        assert FIXTURE_USER not in path.read_bytes(), path.name
    vault.lock()
    again = Vault.open(stored)  # the migrated file opens as it is, with no second migration
    again.unlock(bytearray(FIXTURE_PASSPHRASE))
    assert again.raw_key_hex() == FIXTURE_DEK_HEX
    assert sorted(p.name for p in stored.iterdir()) == ["keyslots.json", "keyslots.v1.bak.json"]


def test_stored_v1_vault_keeps_its_user_inside_the_database(stored: Path, store_factory) -> None:
    """A format-1 vault's store recorded owner_user on its first open: after the migration the
    name comes from there, and a new passphrase slot is wrapped under format 2."""
    from fieldapp.store import Store

    store_factory(stored / Vault.DB_NAME, FIXTURE_DEK_HEX).close()
    engine = open_engine(stored / Vault.DB_NAME, FIXTURE_DEK_HEX)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('owner_user', 'fixture-user'),"
                             " ('owner_role', 'idva')")
    close_engine(engine)
    vault = Vault.open(stored)
    vault.unlock(bytearray(FIXTURE_PASSPHRASE))
    store = Store.open(vault)
    assert store.actor == "fixture-user"
    vault.change_passphrase(new_passphrase=bytearray(b"a different long passphrase here"))
    slots = json.loads((stored / Vault.SLOTS_NAME).read_bytes())["slots"]
    assert sorted(s["wrap_format"] for s in slots) == [1, 2]
    vault.lock()
    reopened = Vault.open(stored)
    reopened.unlock(bytearray(b"a different long passphrase here"))
    reopened.lock()
    reopened.unlock_with_recovery((DATA / "TEST-ONLY-recovery-private.pem").read_bytes(),
                                  FIXTURE_RECOVERY_PASSWORD)
    assert reopened.raw_key_hex() == FIXTURE_DEK_HEX
    for path in stored.iterdir():
        if path.is_file():
            assert FIXTURE_USER not in path.read_bytes(), path.name
    reopened.lock()


def test_stored_v1_file_unlocks_with_recovery_key(stored: Path) -> None:
    vault = Vault.open(stored)
    vault.unlock_with_recovery(
        (DATA / "TEST-ONLY-recovery-private.pem").read_bytes(), FIXTURE_RECOVERY_PASSWORD
    )
    assert vault.data_key() == bytes.fromhex(FIXTURE_DEK_HEX)
