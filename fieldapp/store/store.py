"""The open, keyed database of one vault."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from fieldapp.store import schema
from fieldapp.store.engine import (
    StoreCorrupt,
    close_engine,
    integrity_problems,
    open_engine,
    verify_key,
)
from fieldapp.store.uow import UnitOfWork

if TYPE_CHECKING:
    from fieldapp.vault import Vault


class Store:
    def __init__(self, engine: Engine, *, db_path: Path, actor: str):
        self.engine = engine
        self.db_path = db_path
        self.actor = actor
        self.session_factory: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, vault: Vault, *, check_integrity: bool = False) -> Store:
        """Key the database with the vault's data key, migrate it, and close it on lock."""
        engine = open_engine(vault.db_path, vault.raw_key_hex())
        try:
            verify_key(engine)
            if check_integrity and vault.db_path.exists():
                problems = integrity_problems(engine)
                if problems:
                    raise StoreCorrupt(
                        f"the database failed its integrity check ({len(problems)} problem(s)); "
                        "restore it from the hub or a backup"
                    )
            schema.upgrade(engine, db_path=vault.db_path)
        except DatabaseError as exc:
            close_engine(engine)
            raise StoreCorrupt(
                "the database could not be read with this vault's key: it is damaged or "
                "does not belong to this key file"
            ) from exc
        except BaseException:
            close_engine(engine)
            raise
        store = cls(engine, db_path=vault.db_path, actor=vault.info.user)
        vault.add_on_lock(store.close)
        return store

    def uow(self, *, actor: str | None = None) -> UnitOfWork:
        return UnitOfWork(self, actor=actor or self.actor)

    def integrity_problems(self) -> list[str]:
        return integrity_problems(self.engine)

    def close(self) -> None:
        close_engine(self.engine)
