"""Vault errors.

Every message is written to be shown to the person at the keyboard as it is: it never holds a
passphrase, a key, a path or a user name, so the UI and the logs can use ``str(error)`` freely.
"""

from __future__ import annotations


class VaultError(Exception):
    """Base class: something about the key slots stopped the operation."""


class WrongPassphrase(VaultError):
    """The passphrase did not unwrap any slot; ``wait_seconds`` is the back-off now in force."""

    def __init__(self, wait_seconds: float) -> None:
        self.wait_seconds = float(wait_seconds)
        super().__init__(
            f"That passphrase did not unlock this laptop. "
            f"Wait {self.wait_seconds:.0f} s before trying again."
        )


class BackoffActive(VaultError):
    """Tried again before the back-off ran out; nothing was attempted."""

    def __init__(self, wait_seconds: float) -> None:
        self.wait_seconds = float(wait_seconds)
        super().__init__(f"Too many wrong passphrases. Wait {self.wait_seconds:.0f} s.")


class VaultTampered(VaultError):
    """The slot file was edited, damaged or written by an unknown format version.

    Raised when the evidence is stronger than "wrong passphrase": parameters below the floor,
    an unknown algorithm, unreadable JSON, a recovery slot that fails with the right key.
    The usual remedy is the recovery flow at the station.
    """


class VaultLocked(VaultError):
    """The data key was asked for while the vault is locked."""

    def __init__(self, message: str = "The vault is locked.") -> None:
        super().__init__(message)


class VaultNotFound(VaultError):
    """There is no slot file in the folder."""


class VaultExists(VaultError):
    """Creating would overwrite an existing slot file, database or key file."""


class WeakPassphrase(VaultError):
    """A new passphrase fails the minimum policy (see :func:`passphrase_problem`)."""


class RecoveryKeyError(VaultError):
    """The recovery key file, its password, or the key itself does not fit this vault."""
