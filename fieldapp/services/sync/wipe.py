"""The hub's wipe order: verified with the pinned hub key and this device's id, then carried out.

A valid order crypto-erases the vault: the key slot file goes first (without it the database is
unreadable: its data key existed only wrapped in there and in the memory the lock wipes), then
the database, its WAL and shared-memory files and the encrypted pre-migration copies. Overwriting
files is pointless on an SSD (research/sync_crypto.md section 8), so they are unlinked and the
folder entry flushed. The folder is left as a first-run folder: the app offers to create a vault
and the logs (identifiers and counts only) stay. A forged or mismatched order changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldapp.services.sync.state import Enrolment
from fieldapp.vault.atomic import fsync_dir
from sync.protocol import seal
from sync.protocol.errors import ProtocolError

log = logging.getLogger(__name__)

SLOTS_NAME = "keyslots.json"
DB_NAME = "fieldapp.db"
BINDING_NAME = "database-binding.json"  # which slot file last opened the database (vault layer)


class WipeOrdered(Exception):  # noqa: N818 - an instruction, not an error
    """A verified wipe order (raised inside a sync; :func:`sync_now` carries it out)."""

    def __init__(self, statement: dict[str, Any]) -> None:
        super().__init__("the hub ordered this laptop wiped")
        self.statement = statement


def verify_order(order: Any, *, enrolment: Enrolment) -> dict[str, Any] | None:
    """The order's statement when it is signed by the pinned hub key and names this device;
    otherwise None (and a log line without personal data)."""
    try:
        statement = seal.verify_statement(order, enrolment.hub_signing, kind="wipe")
    except ProtocolError:
        log.warning("a wipe order that is not signed by the pinned hub key was ignored",
                    extra={"device_id": enrolment.device_id})
        return None
    if statement.get("device_id") != enrolment.device_id:
        log.warning("a wipe order for another device was ignored",
                    extra={"device_id": enrolment.device_id})
        return None
    return statement


def vault_files(folder: Path) -> list[Path]:
    """What a wipe removes, key slots first."""
    folder = Path(folder)
    names = [SLOTS_NAME, DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", f"{DB_NAME}-journal",
             BINDING_NAME]
    found = [folder / name for name in names]
    found += sorted(folder.glob(f".{SLOTS_NAME}.*"))  # an interrupted atomic write's temp file
    found += sorted(folder.glob(f"{DB_NAME}.before-*.bak*"))  # copies taken before migrations
    return found


def wipe_folder(folder: Path, *, close: Callable[[], object] | None = None) -> list[str]:
    """Close the vault (``close``: lock it, which closes its store and wipes the key), then
    remove its files. Returns the names removed."""
    if close is not None:
        close()
    removed = []
    folder = Path(folder)
    slots = folder / SLOTS_NAME
    if slots.exists():
        slots.unlink()
        removed.append(slots.name)
        fsync_dir(folder)  # the crypto-erase itself is durable before anything else
    for path in vault_files(folder)[1:]:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path.name)
    fsync_dir(folder)
    log.warning("vault wiped on the hub's order", extra={"count": len(removed)})
    return removed
