"""The organisation's recovery key: generation, and sealing/opening the DEK with HPKE.

The DEK is sealed (RFC 9180 base mode, X25519 / HKDF-SHA256 / AES-256-GCM) to the
organisation's recovery public key, so a laptop whose passphrase is lost can be re-keyed at the
station by whoever holds the private key (kept offline, two-person custody). The HPKE ``info``
is the canonical slot header ``{fmt, db_uuid, slot_id, type}``, so a sealed key cannot be moved
to another vault or slot. The recovery slot is never peppered with a device secret: it must
open on any machine.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from fieldapp.vault.atomic import atomic_write, ensure_private_dir
from fieldapp.vault.errors import RecoveryKeyError, VaultError, VaultExists, VaultTampered
from fieldapp.vault.kdf import KEY_LEN, b64decode_strict
from fieldapp.vault.slots import RECOVERY, canonical_json, new_slot_id

__all__ = [
    "PRIVATE_NAME",
    "PUBLIC_NAME",
    "SUITE_NAME",
    "generate_recovery_keypair",
    "key_id",
    "load_private_key",
    "load_public_key",
    "make_recovery_slot",
    "open_recovery_slot",
    "recovery_info",
]

PUBLIC_NAME = "recovery-public.pem"
PRIVATE_NAME = "recovery-private.pem"
SUITE_NAME = "X25519/HKDF-SHA256/AES-256-GCM"
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
_SEALED_LEN = 32 + KEY_LEN + 16  # X25519 enc + DEK + GCM tag


def generate_recovery_keypair(out_dir: Path, *, key_password: bytes) -> tuple[Path, Path]:
    """Write a new X25519 recovery key pair into ``out_dir``; return (public, private) paths.

    The private key is PKCS#8 encrypted under ``key_password`` (``BestAvailableEncryption``)
    and written 0600; neither file is ever overwritten, because replacing a recovery key would
    silently orphan every vault sealed to the old one.
    """
    if not key_password:
        raise RecoveryKeyError("A password is required to protect the recovery private key.")
    out_dir = Path(out_dir)
    public_path, private_path = out_dir / PUBLIC_NAME, out_dir / PRIVATE_NAME
    if public_path.exists() or private_path.exists():
        raise VaultExists("Recovery key files already exist in that folder; none were replaced.")
    if not out_dir.exists():  # never loosen or tighten a folder the person chose themselves
        ensure_private_dir(out_dir)
    private_key = X25519PrivateKey.generate()
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(key_password),
    )
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        atomic_write(private_path, private_pem, mode=0o600, exclusive=True)
        atomic_write(public_path, public_pem, mode=0o644, exclusive=True)
    except FileExistsError:
        raise VaultExists("Recovery key files already exist in that folder.") from None
    return public_path, private_path


def load_public_key(public_pem: bytes) -> X25519PublicKey:
    """Parse the organisation's recovery public key (PEM, SubjectPublicKeyInfo, X25519)."""
    try:
        key = serialization.load_pem_public_key(public_pem)
    except (ValueError, TypeError):
        raise RecoveryKeyError("The recovery public key file could not be read.") from None
    if not isinstance(key, X25519PublicKey):
        raise RecoveryKeyError("The recovery public key is not an X25519 key.")
    return key


def load_private_key(private_pem: bytes, key_password: bytes | None) -> X25519PrivateKey:
    """Decrypt the recovery private key; a wrong password and a damaged file look the same."""
    try:
        key = serialization.load_pem_private_key(private_pem, password=key_password or None)
    except (ValueError, TypeError):
        raise RecoveryKeyError(
            "The recovery key file could not be opened: check the file and its password."
        ) from None
    if not isinstance(key, X25519PrivateKey):
        raise RecoveryKeyError("The recovery private key is not an X25519 key.")
    return key


def key_id(public_key: X25519PublicKey) -> str:
    """Short fingerprint of a recovery key, stored in the slot to tell "wrong key" from damage."""
    return hashlib.sha256(public_key.public_bytes_raw()).hexdigest()[:32]


def recovery_info(*, fmt: int, db_uuid: str, slot_id: str) -> bytes:
    """HPKE ``info``: the canonical slot header."""
    return canonical_json({"fmt": fmt, "db_uuid": db_uuid, "slot_id": slot_id, "type": RECOVERY})


def make_recovery_slot(
    *, dek: bytearray, public_key: X25519PublicKey, fmt: int, db_uuid: str
) -> dict[str, Any]:
    """Seal ``dek`` to the recovery public key and return the slot record."""
    slot_id = new_slot_id()
    info = recovery_info(fmt=fmt, db_uuid=db_uuid, slot_id=slot_id)
    sealed = _SUITE.encrypt(dek, public_key, info=info)
    return {
        "slot_id": slot_id,
        "type": RECOVERY,
        "wrap_format": fmt,
        "suite": SUITE_NAME,
        "key_id": key_id(public_key),
        "sealed_dek": base64.b64encode(sealed).decode("ascii"),
    }


def open_recovery_slot(
    slot: dict[str, Any], *, private_key: X25519PrivateKey, db_uuid: str
) -> bytearray:
    """Open a recovery slot with the private key; return the DEK in a fresh ``bytearray``.

    The stored ``key_id`` is not authenticated and only chooses the error: a tag failure with a
    matching fingerprint means the slot was altered, otherwise the key is simply not this
    vault's recovery key.
    """
    if slot.get("suite") != SUITE_NAME:
        raise VaultTampered("The recovery slot names an unknown cipher suite.")
    sealed = b64decode_strict(slot["sealed_dek"], _SEALED_LEN, what="sealed key")
    info = recovery_info(fmt=slot["wrap_format"], db_uuid=db_uuid, slot_id=slot["slot_id"])
    try:
        plain = _SUITE.decrypt(sealed, private_key, info=info)
    except InvalidTag:
        if slot.get("key_id") == key_id(private_key.public_key()):
            raise VaultTampered("The recovery slot has been altered or damaged.") from None
        raise RecoveryKeyError(
            "This recovery key does not belong to this laptop's vault."
        ) from None
    if len(plain) != KEY_LEN:  # pragma: no cover - the length is fixed by the sealed size
        raise VaultError("The recovery slot holds a key of the wrong size.")
    dek = bytearray(plain)  # HPKE returns immutable bytes; keep the long-lived copy wipeable
    del plain
    return dek
