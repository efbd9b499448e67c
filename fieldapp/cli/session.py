"""Open the vault and its store for one headless command, and always lock afterwards."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from fieldapp import vault as vault_mod
from fieldapp.cli.errors import IntegrityError, LockedError, UsageError
from fieldapp.cli.secrets import read_passphrase

if TYPE_CHECKING:
    from fieldapp.store import Store


def open_vault(folder: Path) -> vault_mod.Vault:
    try:
        return vault_mod.Vault.open(folder)
    except vault_mod.VaultNotFound:
        raise UsageError(f"no vault in {folder}: create one with 'fieldapp init'") from None
    except vault_mod.VaultTampered as exc:
        raise IntegrityError(f"the vault's key file is damaged or was edited: {exc}") from None


def unlock(vault: vault_mod.Vault, passphrase_file: str | None) -> None:
    wait = vault.backoff_remaining()
    if wait > 0:
        raise LockedError(f"too many wrong passphrases: wait {math.ceil(wait)} s and try again")
    secret = read_passphrase(passphrase_file)
    try:
        vault.unlock(secret)
    except vault_mod.WrongPassphrase as exc:
        raise LockedError(
            f"wrong passphrase; nothing was opened or changed. Next try allowed in "
            f"{math.ceil(exc.wait_seconds)} s. Lost it? A coordinator can run 'fieldapp recover'."
        ) from None
    except vault_mod.BackoffActive as exc:
        raise LockedError(f"too many wrong passphrases: wait {math.ceil(exc.wait_seconds)} s") from None
    except vault_mod.VaultTampered as exc:
        raise IntegrityError(f"the vault's key file is damaged or was edited: {exc}") from None
    finally:
        secret[:] = bytes(len(secret))


@contextlib.contextmanager
def opened_store(folder: Path, passphrase_file: str | None) -> Iterator[tuple[vault_mod.Vault, Store]]:
    from fieldapp.store import Store, StoreCorrupt  # sqlalchemy only for commands that open it

    vault = open_vault(folder)
    unlock(vault, passphrase_file)
    try:
        try:
            store = Store.open(vault)
        except StoreCorrupt as exc:
            raise IntegrityError(str(exc)) from None
        yield vault, store
    finally:
        vault.lock()
