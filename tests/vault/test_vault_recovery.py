"""Organisational recovery: key generation, unlock with the recovery key, re-keying a lost laptop."""

from __future__ import annotations

import base64
import os
import stat
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from vault_helpers import PASSPHRASE, RECOVERY_PASSWORD, read_doc, write_doc

from fieldapp.vault import (
    RecoveryKeyError,
    Vault,
    VaultError,
    VaultExists,
    VaultTampered,
    WrongPassphrase,
    generate_recovery_keypair,
)

NEW = b"a brand new passphrase for the IDVA"


def test_keypair_files(tmp_path: Path, recovery_keys: tuple[Path, Path]) -> None:
    public, private = recovery_keys
    assert (public.name, private.name) == ("recovery-public.pem", "recovery-private.pem")
    assert private.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert public.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    key = serialization.load_pem_private_key(private.read_bytes(), password=RECOVERY_PASSWORD)
    assert (
        key.public_key().public_bytes_raw()
        == serialization.load_pem_public_key(public.read_bytes()).public_bytes_raw()
    )
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(private).st_mode) == 0o600
    with pytest.raises(VaultExists):  # never overwrites an organisation's key
        generate_recovery_keypair(public.parent, key_password=b"other")
    assert serialization.load_pem_private_key(private.read_bytes(), password=RECOVERY_PASSWORD)
    with pytest.raises(RecoveryKeyError):
        generate_recovery_keypair(tmp_path / "empty-password", key_password=b"")


def test_lost_passphrase_recovered_and_replaced(
    folder: Path, rvault: Vault, recovery_keys: tuple[Path, Path], clock: list[float]
) -> None:
    key = rvault.data_key()
    assert rvault.info.has_recovery_slot
    rvault.lock()
    del rvault  # the laptop comes back to the station; the passphrase is "lost"

    station = Vault.open(folder)
    station.unlock_with_recovery(recovery_keys[1].read_bytes(), RECOVERY_PASSWORD)
    assert station.data_key() == key
    station.change_passphrase(new_passphrase=bytearray(NEW))
    assert station.data_key() == key
    station.lock()

    laptop = Vault.open(folder)
    assert laptop.info.has_recovery_slot  # the recovery slot survives a passphrase change
    with pytest.raises(WrongPassphrase):
        laptop.unlock(bytearray(PASSPHRASE))
    clock[0] += 100
    laptop.unlock(bytearray(NEW))
    assert laptop.data_key() == key


def test_recovery_is_the_way_out_of_a_tampered_passphrase_slot(
    folder: Path, rvault: Vault, recovery_keys: tuple[Path, Path]
) -> None:
    key = rvault.data_key()
    rvault.lock()
    doc = read_doc(folder)
    doc["slots"][0]["kdf"]["m"] = 1024  # downgrade edit: refused as tampering
    write_doc(folder, doc)
    laptop = Vault.open(folder)
    with pytest.raises(VaultTampered):
        laptop.unlock(bytearray(PASSPHRASE))
    laptop.unlock_with_recovery(recovery_keys[1].read_bytes(), RECOVERY_PASSWORD)
    laptop.change_passphrase(new_passphrase=bytearray(PASSPHRASE))  # repairs the slot
    laptop.lock()
    laptop.unlock(bytearray(PASSPHRASE))
    assert laptop.data_key() == key


def test_recovery_failures(
    tmp_path: Path, folder: Path, rvault: Vault, recovery_keys: tuple[Path, Path]
) -> None:
    rvault.lock()
    private = recovery_keys[1].read_bytes()
    for password in (b"wrong password", None, b""):
        with pytest.raises(RecoveryKeyError):
            rvault.unlock_with_recovery(private, password)
    with pytest.raises(RecoveryKeyError):
        rvault.unlock_with_recovery(b"not a pem", RECOVERY_PASSWORD)

    _, other_private = generate_recovery_keypair(tmp_path / "other-org", key_password=b"pw")
    with pytest.raises(RecoveryKeyError, match="does not belong"):
        rvault.unlock_with_recovery(other_private.read_bytes(), b"pw")

    doc = read_doc(folder)
    slot = doc["slots"][1]
    sealed = bytearray(base64.b64decode(slot["sealed_dek"]))
    sealed[-1] ^= 1
    slot["sealed_dek"] = base64.b64encode(bytes(sealed)).decode()
    write_doc(folder, doc)
    with pytest.raises(VaultTampered):  # right key, altered slot
        Vault.open(folder).unlock_with_recovery(private, RECOVERY_PASSWORD)
    assert not rvault.is_unlocked


def test_recovery_slot_bound_to_its_vault(
    tmp_path: Path, folder: Path, rvault: Vault, recovery_keys: tuple[Path, Path]
) -> None:
    """A recovery slot copied into another vault (same org key) does not open it."""
    other = Vault.create(
        tmp_path / "other",
        passphrase=bytearray(PASSPHRASE),
        user="u2",
        role="idva",
        recovery_public_pem=recovery_keys[0].read_bytes(),
    )
    other.lock()
    doc = read_doc(tmp_path / "other")
    doc["slots"][1] = read_doc(folder)["slots"][1]
    write_doc(tmp_path / "other", doc)
    with pytest.raises(VaultTampered):
        Vault.open(tmp_path / "other").unlock_with_recovery(
            recovery_keys[1].read_bytes(), RECOVERY_PASSWORD
        )


def test_no_recovery_slot(vault: Vault, recovery_keys: tuple[Path, Path]) -> None:
    vault.lock()
    with pytest.raises(VaultError, match="no recovery slot"):
        vault.unlock_with_recovery(recovery_keys[1].read_bytes(), RECOVERY_PASSWORD)


def test_create_rejects_a_bad_recovery_key_before_writing(
    folder: Path, recovery_keys: tuple[Path, Path]
) -> None:
    for pem in (b"garbage", recovery_keys[1].read_bytes()):
        with pytest.raises(RecoveryKeyError):
            Vault.create(
                folder,
                passphrase=bytearray(PASSPHRASE),
                user="u1",
                role="idva",
                recovery_public_pem=pem,
            )
    assert not Vault.exists(folder)
