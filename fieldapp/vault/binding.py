"""Which key slot file the database beside it belongs to, so a swapped-in one is named as such.

A key slot file copied over from another vault is well-formed, so nothing in it looks wrong, and
its passphrase slot fails with this laptop's passphrase exactly as a mistyped passphrase does:
the AES-GCM tag cannot say which. Within one process :meth:`Vault._reread` compares the vault
id with the one read at start; across restarts (the CLI, every start of the desktop app) this
record does: ``database-binding.json`` holds the vault id of the key slot file that last opened
the database, and that database file's SQLCipher salt (the random first 16 bytes of every
SQLCipher file, plaintext by design). Neither is personal data, and neither is secret: the id is
in the slot file too.

The store writes the record once a database has opened with a vault's key (the proof that they
belong together); :meth:`Vault.unlock` checks it before deriving anything. A record for another
database file (different salt: the database was restored or replaced since) is stale and
ignored, as is a missing or unreadable one, so this can only turn "wrong passphrase" into
"replaced key file" when the same database was last opened by a different vault's key file.
It is no defence against someone who edits this file as well (nothing before unlock is
authenticated); it tells an honest mistake, such as another laptop's key file copied in, from a
wrong passphrase.
"""

from __future__ import annotations

import json
from pathlib import Path

from fieldapp.vault.atomic import atomic_write
from fieldapp.vault.errors import VaultTampered

__all__ = ["BINDING_NAME", "check", "record"]

BINDING_NAME = "database-binding.json"
DB_NAME = "fieldapp.db"  # as Vault.DB_NAME (vault.py imports this module)
SALT_LEN = 16


def _db_salt(folder: Path) -> str | None:
    try:
        with open(folder / DB_NAME, "rb") as handle:
            salt = handle.read(SALT_LEN)
    except OSError:
        return None
    return salt.hex() if len(salt) == SALT_LEN else None


def _read(folder: Path) -> dict | None:
    try:
        doc = json.loads((folder / BINDING_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(doc, dict) or not all(isinstance(doc.get(k), str)
                                            for k in ("db_uuid", "db_salt")):
        return None
    return doc


def record(folder: Path, db_uuid: str) -> None:
    """Remember that the database in ``folder`` opened with the key of vault ``db_uuid``."""
    salt = _db_salt(folder)
    if salt is None:
        return
    want = {"format": 1, "db_uuid": db_uuid, "db_salt": salt}
    if _read(folder) == want:
        return
    atomic_write(folder / BINDING_NAME, (json.dumps(want, sort_keys=True) + "\n").encode())


def check(folder: Path, db_uuid: str) -> None:
    """Raise :class:`VaultTampered` when the database in ``folder`` was last opened with the key
    slot file of another vault than ``db_uuid``."""
    doc = _read(folder)
    if doc is None or doc["db_salt"] != _db_salt(folder):
        return
    if doc["db_uuid"] != db_uuid:
        raise VaultTampered(
            "The key slot file belongs to a different vault from the database beside it (it "
            "was replaced or edited), so the passphrase was not tried. Put this laptop's own "
            "key slot file back, or ask a coordinator to recover the vault at the station."
        )
