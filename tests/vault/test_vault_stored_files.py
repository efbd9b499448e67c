"""Tested against stored old files: the committed format-1 slot file must keep opening.

``data/keyslots-v1.json`` and ``data/TEST-ONLY-recovery-private.pem`` were written once by
``data/make_keyslots_v1.py``; the data key below is the one that script printed. If this test
fails, a change broke compatibility with vaults already on laptops: add a migration instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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


def test_stored_v1_file_unlocks_with_passphrase(stored: Path) -> None:
    vault = Vault.open(stored)
    info = vault.info
    assert (info.format_version, info.db_uuid, info.user, info.role) == (
        1,
        FIXTURE_DB_UUID,
        "fixture-user",
        "idva",
    )
    assert info.has_recovery_slot
    vault.unlock(bytearray(FIXTURE_PASSPHRASE))
    assert vault.raw_key_hex() == FIXTURE_DEK_HEX
    assert (stored / Vault.SLOTS_NAME).read_bytes() == (DATA / "keyslots-v1.json").read_bytes()


def test_stored_v1_file_unlocks_with_recovery_key(stored: Path) -> None:
    vault = Vault.open(stored)
    vault.unlock_with_recovery(
        (DATA / "TEST-ONLY-recovery-private.pem").read_bytes(), FIXTURE_RECOVERY_PASSWORD
    )
    assert vault.data_key() == bytes.fromhex(FIXTURE_DEK_HEX)
