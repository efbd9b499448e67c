"""The key slot file (``keyslots.json``): format, forward migration, passphrase slots.

Layout (format 2)::

    {"format": 2, "db_uuid": "...", "role": "...", "created_at": "...Z",
     "backoff": {"failures": 0, "next_allowed_at": 0},
     "slots": [{"slot_id": "...", "type": "passphrase", "wrap_format": 2,
                "kdf": {"alg": "argon2id", "v": 19, "m": 262144, "t": 3, "p": 4, "salt": b64},
                "nonce": b64(12), "wrapped_dek": b64(32 + 16 tag)},
               {"slot_id": "...", "type": "recovery", "wrap_format": 2,
                "suite": "X25519/HKDF-SHA256/AES-256-GCM",
                "key_id": hex, "sealed_dek": b64(HPKE enc + ciphertext)}]}

The file is plaintext by design (it must be readable before unlock), so it names no person:
the user's name lives only inside the encrypted database (``meta`` ``owner_user``, recorded by
the store on the first open). Format 1 also held ``"user"``; the 1 -> 2 migration drops it.

Integrity comes from the AEAD: a passphrase slot's AES-GCM associated data is the canonical JSON
of ``{fmt, db_uuid, slot_id, type, kdf}`` with ``fmt`` the slot's ``wrap_format`` (the file
format it was wrapped under: a migration runs without the key, so it cannot re-wrap), so lowering
``m``/``t``, changing the salt or the wrap format, moving a slot to another vault or renaming it
makes the unwrap fail. ``role``, ``created_at`` and ``backoff`` are not authenticated: a display
hint and a keyboard speed bump; the database records the role too and compares on open.
"""

from __future__ import annotations

import base64
import copy
import json
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldapp.vault.atomic import atomic_write
from fieldapp.vault.backoff import Backoff
from fieldapp.vault.errors import VaultError, VaultNotFound, VaultTampered
from fieldapp.vault.kdf import KEY_LEN, KdfParams, b64decode_strict, derive_kek
from fieldapp.vault.secret import wipe

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "FORMAT",
    "MIGRATIONS",
    "PASSPHRASE",
    "RECOVERY",
    "canonical_json",
    "dump",
    "load",
    "make_passphrase_slot",
    "new_document",
    "read_file",
    "try_passphrase_slot",
]

log = logging.getLogger(__name__)

FORMAT = 2
PASSPHRASE = "passphrase"
RECOVERY = "recovery"
NONCE_LEN = 12
TAG_LEN = 16

_TOP_KEYS = {"format", "db_uuid", "role", "created_at", "backoff", "slots"}
_SLOT_KEYS = {
    PASSPHRASE: {"slot_id", "type", "wrap_format", "kdf", "nonce", "wrapped_dek"},
    RECOVERY: {"slot_id", "type", "wrap_format", "suite", "key_id", "sealed_dek"},
}

# The database id exactly as str(uuid.UUID(...)) writes it (lower-case, hyphenated), checked
# without importing uuid: reading the slot file is on the start path, before the first paint.
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _v1_to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """Format 1 -> 2: the plaintext user name leaves the file (the database holds it: every
    format-1 vault's store recorded ``owner_user`` on its first open), and each slot records the
    format it was wrapped under (1), which its AAD keeps naming."""
    doc.pop("user", None)
    for slot in doc.get("slots") or []:
        if isinstance(slot, dict):
            slot.setdefault("wrap_format", 1)
    return doc


#: Forward migrations: ``MIGRATIONS[n]`` turns a format-``n`` document into format ``n + 1``.
#: A step runs without the key, so it must not change anything an existing slot's AAD covers:
#: each slot's ``wrap_format`` keeps the ``fmt`` its AAD was made with.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}

#: What the copy kept beside a migrated file (``keyslots.v<N>.bak.json``) must not keep: the
#: format-1 user name is blanked there too (the slots, which the backup exists for, are intact).
_BACKUP_BLANKS: dict[int, tuple[str, ...]] = {1: ("user",)}


def canonical_json(obj: Any) -> bytes:
    """The one byte encoding used for AAD and HPKE ``info`` (sorted keys, no spaces, UTF-8)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _migrate(doc: dict[str, Any]) -> dict[str, Any]:
    """Bring ``doc`` forward to :data:`FORMAT` one numbered step at a time.

    A newer format than this build knows is refused rather than guessed at: an old app must not
    rewrite (and so damage) a file a newer app wrote.
    """
    version = doc.get("format")
    if not isinstance(version, int) or isinstance(version, bool):
        raise VaultTampered("The key slot file has no valid format version.")
    if version > FORMAT:
        raise VaultTampered(
            "The key slot file was written by a newer version of fieldapp. Update the app."
        )
    while version < FORMAT:
        step = MIGRATIONS.get(version)
        if step is None:
            raise VaultTampered(f"The key slot file format {version} is not one fieldapp knows.")
        doc = step(copy.deepcopy(doc))
        version += 1
        doc["format"] = version
    return doc


def load(data: bytes) -> tuple[dict[str, Any], int]:
    """Parse, migrate and check the slot file; return the document and its on-disk version."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise VaultTampered("The key slot file is damaged (not valid JSON).") from None
    if not isinstance(doc, dict):
        raise VaultTampered("The key slot file is damaged.")
    stored_version = doc.get("format")
    doc = _migrate(doc)
    _check_document(doc)
    return doc, stored_version


def read_file(path: Path) -> dict[str, Any]:
    """Load a slot file; migrate it forward on disk when it is old, keeping the original.

    The backup (``keyslots.v<N>.bak.json``) is written before the new file replaces the old,
    so a migration bug can always be undone by hand.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise VaultNotFound("No vault was found in this folder.") from None
    except OSError:
        raise VaultError("The key slot file could not be read.") from None
    doc, stored_version = load(data)
    if stored_version != FORMAT:
        atomic_write(path.with_name(f"keyslots.v{stored_version}.bak.json"),
                     _backup_bytes(data, stored_version))
        atomic_write(path, dump(doc))
        log.info("key slot file migrated from format %s to %d", stored_version, FORMAT)
    return doc


def _backup_bytes(data: bytes, version: int) -> bytes:
    """The original file for the backup, with any personal field of its format blanked."""
    blanks = _BACKUP_BLANKS.get(version, ())
    if not blanks:
        return data
    old = json.loads(data.decode("utf-8"))  # parsed once already by load(): cannot fail here
    for key in blanks:
        if key in old:
            old[key] = ""
    return dump(old)


def _check_document(doc: dict[str, Any]) -> None:
    """Structural check of a current-format document; per-slot crypto checks happen on use."""
    if set(doc) != _TOP_KEYS:
        raise VaultTampered("The key slot file has missing or unexpected fields.")
    db_uuid = doc["db_uuid"]
    if not isinstance(db_uuid, str) or not _CANONICAL_UUID.fullmatch(db_uuid):
        raise VaultTampered("The key slot file's database id is malformed.")
    for key in ("role", "created_at"):
        if not isinstance(doc[key], str):
            raise VaultTampered("The key slot file's header is malformed.")
    Backoff.from_json(doc["backoff"])
    slots = doc["slots"]
    if not isinstance(slots, list) or not slots:
        raise VaultTampered("The key slot file holds no key slots.")
    seen: set[str] = set()
    for slot in slots:
        if not isinstance(slot, dict) or slot.get("type") not in _SLOT_KEYS:
            raise VaultTampered("The key slot file holds a slot of unknown type.")
        if set(slot) != _SLOT_KEYS[slot["type"]]:
            raise VaultTampered("A key slot has missing or unexpected fields.")
        wrap_format = slot["wrap_format"]
        if (not isinstance(wrap_format, int) or isinstance(wrap_format, bool)
                or not 1 <= wrap_format <= FORMAT):
            raise VaultTampered("A key slot names a format fieldapp does not know.")
        slot_id = slot["slot_id"]
        if not isinstance(slot_id, str) or not slot_id or slot_id in seen:
            raise VaultTampered("The key slot file has a missing or repeated slot id.")
        seen.add(slot_id)
    if sum(1 for slot in slots if slot["type"] == RECOVERY) > 1:
        raise VaultTampered("The key slot file holds more than one recovery slot.")


def dump(doc: dict[str, Any]) -> bytes:
    """Serialise for disk: stable key order, readable indentation, trailing newline."""
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def new_document(*, db_uuid: str, role: str, created_at: str) -> dict[str, Any]:
    """A fresh current-format document with no slots yet and no back-off (and no user name:
    that is recorded inside the encrypted database)."""
    return {
        "format": FORMAT,
        "db_uuid": db_uuid,
        "role": role,
        "created_at": created_at,
        "backoff": {"failures": 0, "next_allowed_at": 0},
        "slots": [],
    }


def new_slot_id() -> str:
    import uuid  # only when writing a slot; see _CANONICAL_UUID

    return uuid.uuid4().hex


def passphrase_aad(*, fmt: int, db_uuid: str, slot_id: str, kdf: dict[str, Any]) -> bytes:
    """AES-GCM associated data: binds the slot to its vault, its id and its KDF parameters."""
    return canonical_json(
        {"fmt": fmt, "db_uuid": db_uuid, "slot_id": slot_id, "type": PASSPHRASE, "kdf": kdf}
    )


def _aesgcm(kek: bytearray) -> AESGCM:
    # Imported on first use: reading the slot file (Vault.open, before the unlock window shows)
    # needs only JSON, and ``cryptography`` takes tens of milliseconds to import.
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(kek)


def make_passphrase_slot(
    *,
    dek: bytearray,
    passphrase: bytearray,
    params: KdfParams,
    fmt: int,
    db_uuid: str,
    slot_id: str | None = None,
) -> dict[str, Any]:
    """Wrap ``dek`` under Argon2id(``passphrase``) and return the slot record."""
    slot_id = slot_id or new_slot_id()
    kdf = params.to_json()
    aad = passphrase_aad(fmt=fmt, db_uuid=db_uuid, slot_id=slot_id, kdf=kdf)
    nonce = os.urandom(NONCE_LEN)  # one encryption per fresh KEK, so a random nonce is safe
    kek = derive_kek(passphrase, params)
    try:
        wrapped = _aesgcm(kek).encrypt(nonce, dek, aad)
    finally:
        wipe(kek)
    return {
        "slot_id": slot_id,
        "type": PASSPHRASE,
        "wrap_format": fmt,
        "kdf": kdf,
        "nonce": base64.b64encode(nonce).decode("ascii"),
        "wrapped_dek": base64.b64encode(wrapped).decode("ascii"),
    }


def try_passphrase_slot(
    slot: dict[str, Any], *, passphrase: bytearray, db_uuid: str
) -> bytearray | None:
    """Unwrap one passphrase slot: the DEK, or ``None`` if the tag does not verify.

    Raises :class:`VaultTampered` *before* deriving if the slot could not have been written by
    this app (cost below the floor, unknown algorithm, wrong field sizes). A tag failure cannot
    tell a wrong passphrase from an edited salt or a renamed slot, so the caller treats it as a
    wrong passphrase.
    """
    from cryptography.exceptions import InvalidTag  # on first use, like _aesgcm

    params = KdfParams.from_json(slot["kdf"])
    nonce = b64decode_strict(slot["nonce"], NONCE_LEN, what="nonce")
    wrapped = b64decode_strict(slot["wrapped_dek"], KEY_LEN + TAG_LEN, what="wrapped key")
    aad = passphrase_aad(fmt=slot["wrap_format"], db_uuid=db_uuid, slot_id=slot["slot_id"],
                         kdf=params.to_json())
    kek = derive_kek(passphrase, params)
    dek = bytearray(KEY_LEN)
    try:
        _aesgcm(kek).decrypt_into(nonce, wrapped, aad, dek)
    except InvalidTag:
        wipe(dek)
        return None
    finally:
        wipe(kek)
    return dek
