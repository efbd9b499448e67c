"""Open the vault and its store for one headless command, and always lock afterwards."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from datetime import datetime, timedelta
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


def backoff_refusal(wait_seconds: float) -> LockedError:
    """The refusal while the wrong-passphrase back-off runs: no passphrase was tried, and when
    the next try is allowed (seconds from now and the local clock time)."""
    wait = max(1, math.ceil(wait_seconds))
    at = (datetime.now().astimezone() + timedelta(seconds=wait)).strftime("%H:%M:%S")
    return LockedError(
        f"not tried: after several failed attempts in a row the next try is allowed in "
        f"{wait} s (at {at}): wait until then. Nothing was opened or changed.")


def unlock(vault: vault_mod.Vault, passphrase_file: str | None) -> None:
    wait = vault.backoff_remaining()
    if wait > 0:
        raise backoff_refusal(wait)
    secret = read_passphrase(passphrase_file)
    try:
        vault.unlock(secret)
    except vault_mod.WrongPassphrase as exc:
        raise LockedError(
            f"wrong passphrase; nothing was opened or changed. Next try allowed in "
            f"{math.ceil(exc.wait_seconds)} s. Lost it? A coordinator can run 'fieldapp recover'."
        ) from None
    except vault_mod.BackoffActive as exc:  # another process failed meanwhile
        raise backoff_refusal(exc.wait_seconds) from None
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
