"""Key hierarchy for the local database: Argon2id key slots, recovery slot, lock and unlock.

Imports only the standard library, ``cryptography`` (on first use) and :mod:`fieldapp.domain`;
the store keys SQLCipher with :meth:`Vault.raw_key_hex` and registers its ``close`` with
:meth:`Vault.add_on_lock`.
See research/sync_crypto.md sections 2 and 4 for the design.
"""

from fieldapp.vault.atomic import atomic_write
from fieldapp.vault.errors import (
    BackoffActive,
    RecoveryKeyError,
    VaultError,
    VaultExists,
    VaultLocked,
    VaultNotFound,
    VaultTampered,
    WeakPassphrase,
    WrongPassphrase,
)
from fieldapp.vault.policy import passphrase_problem
from fieldapp.vault.vault import Vault, VaultInfo

__all__ = [
    "BackoffActive",
    "RecoveryKeyError",
    "Vault",
    "VaultError",
    "VaultExists",
    "VaultInfo",
    "VaultLocked",
    "VaultNotFound",
    "VaultTampered",
    "WeakPassphrase",
    "WrongPassphrase",
    "atomic_write",
    "generate_recovery_keypair",
    "passphrase_problem",
]


def __getattr__(name: str) -> object:
    # generate_recovery_keypair lives with the HPKE code, which pulls in ``cryptography``; it is
    # loaded on first use so that importing the vault (the app's start path) stays cheap.
    if name == "generate_recovery_keypair":
        from fieldapp.vault.recovery import generate_recovery_keypair

        return generate_recovery_keypair
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
