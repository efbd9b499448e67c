"""What an unlocked window works with: the vault, its store and who is at the keyboard."""

from __future__ import annotations

from dataclasses import dataclass

from fieldapp.store import Store, UnitOfWork
from fieldapp.vault import Vault


@dataclass
class AppContext:
    vault: Vault
    store: Store

    @property
    def user(self) -> str:
        return self.vault.info.user

    @property
    def role(self) -> str:
        return self.vault.info.role

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        """A fresh unit of work: open it inside the worker function, never on the UI thread.
        ``read_only`` for reads that record nothing (they never wait behind a save)."""
        return self.store.uow(read_only=read_only)
