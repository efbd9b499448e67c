"""What an unlocked window works with: the vault, its store and who is at the keyboard."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from fieldapp.services import identity
from fieldapp.store import Store, UnitOfWork
from fieldapp.vault import Vault


@dataclass
class AppContext:
    vault: Vault
    store: Store

    @property
    def user(self) -> str:
        """The name the audit log records (kept inside the encrypted database)."""
        return self.store.actor

    @cached_property
    def staff_code(self) -> str:
        """The user's staff code ("" if none): "My cases" and new allocations use it, never the
        name. Read once (one row of ``meta``); :meth:`forget_staff_code` after it changes."""
        return identity.own_staff_code(store=self.store)

    def forget_staff_code(self) -> None:
        self.__dict__.pop("staff_code", None)

    @property
    def role(self) -> str:
        return self.vault.info.role

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        """A fresh unit of work: open it inside the worker function, never on the UI thread.
        ``read_only`` for reads that record nothing (they never wait behind a save)."""
        return self.store.uow(read_only=read_only)
