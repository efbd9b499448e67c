"""The open, keyed database of one vault."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from fieldapp.store import schema
from fieldapp.store.engine import (
    StoreCorrupt,
    close_engine,
    integrity_problems,
    open_engine,
    read_only,
    verify_key,
)
from fieldapp.store.orm import Meta
from fieldapp.store.uow import UnitOfWork

if TYPE_CHECKING:
    from fieldapp.vault import Vault


class Store:
    def __init__(self, engine: Engine, *, db_path: Path, actor: str):
        self.engine = engine
        self.db_path = db_path
        self.actor = actor
        self.session_factory: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)
        self.read_session_factory: sessionmaker[Session] = sessionmaker(
            read_only(engine), expire_on_commit=False)

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
            _upgrade(engine, vault.db_path)
            _check_owner(engine, user=vault.info.user, role=vault.info.role)
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

    def uow(self, *, actor: str | None = None, read_only: bool = False) -> UnitOfWork:
        """A unit of work; ``read_only`` for reads that log nothing (board pages, KPIs): they
        never wait for a save or an import batch, and cannot write."""
        return UnitOfWork(self, actor=actor or self.actor, read_only=read_only)

    def integrity_problems(self) -> list[str]:
        return integrity_problems(self.engine)

    def close(self) -> None:
        close_engine(self.engine)


def _upgrade(engine: Engine, db_path: Path) -> None:
    """Migrate to this version's schema; a failure says what happened, not "wrong key".

    The key was already checked, so a database error here is the migration's, and the upgrade
    runs in one transaction: the file is left as it was, with the copy taken beforehand beside it.
    """
    current = schema.current_revision(engine)
    if current is not None and not schema.knows_revision(current):
        raise StoreCorrupt(
            "this database was written by a newer version of fieldapp; update fieldapp on this "
            "laptop before opening it (nothing was changed)"
        )
    try:
        schema.upgrade(engine, db_path=db_path)
    except DatabaseError as exc:
        raise StoreCorrupt(
            "the database could not be brought up to date for this version of fieldapp, so it "
            "was left as it was (a copy taken before the upgrade is beside it); ask a "
            "coordinator to check it"
        ) from exc


def _check_owner(engine: Engine, *, user: str, role: str) -> None:
    """The key file's user and role are plaintext (outside the slots' authenticated data), so the
    first open records them inside the encrypted database and every later open compares."""
    with engine.begin() as conn:
        rows = dict(conn.execute(select(Meta.key, Meta.value).where(
            Meta.key.in_(("owner_user", "owner_role")))).all())
        if not rows:
            conn.execute(Meta.__table__.insert(), [{"key": "owner_user", "value": user},
                                                   {"key": "owner_role", "value": role}])
        elif rows != {"owner_user": user, "owner_role": role}:
            raise StoreCorrupt(
                "the key file names a different user or role from the one this database was "
                "created for: it was edited. Keep the laptop as it is and tell your supervisor."
            )
