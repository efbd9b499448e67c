"""The open, keyed database of one vault."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from fieldapp.store import integrity, schema
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
from fieldapp.vault import binding

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
        #: What the integrity check on open did (None: not run, e.g. a database just created).
        self.integrity: integrity.IntegrityReport | None = None
        self._marker: Path | None = None  # this session's open-session marker

    @classmethod
    def open(cls, vault: Vault, *, check_integrity: bool = True) -> Store:
        """Check the database, key it with the vault's data key, migrate it, and close it on lock.

        The check (:mod:`fieldapp.store.integrity`) runs before anything else reads or writes the
        file and raises :class:`~fieldapp.store.integrity.DatabaseDamaged` for a damaged or
        altered database or -wal file; :attr:`integrity` says which check ran. An open-session
        marker is written once the check has passed and removed by :meth:`close`. With
        ``check_integrity=False`` (tests and benchmarks only) there is neither.
        """
        db_path = vault.db_path
        report: integrity.IntegrityReport | None = None
        marker: Path | None = None
        if check_integrity:
            stale: list[Path] = []
            if db_path.exists():
                report, stale = integrity.check_on_open(db_path, vault.raw_key_hex())
            marker = integrity.mark_open(db_path)
            for old in stale:  # checked just now; see the integrity module on markers
                integrity.mark_closed(old)
        engine = open_engine(db_path, vault.raw_key_hex())
        try:
            verify_key(engine)
            _upgrade(engine, db_path)
            owner = _check_owner(engine, user=vault.new_owner, role=vault.info.role)
        except DatabaseError as exc:
            close_engine(engine)
            integrity.mark_closed(marker)
            raise StoreCorrupt(integrity.KEY_MISMATCH_MESSAGE) from exc
        except BaseException:
            close_engine(engine)
            integrity.mark_closed(marker)
            raise
        try:
            binding.record(vault.folder, vault.info.db_uuid)
        except OSError:  # only sharpens a later "wrong passphrase"; never stops an open
            pass
        store = cls(engine, db_path=db_path, actor=owner)
        store.integrity, store._marker = report, marker
        vault.add_on_lock(store.close)
        return store

    def uow(self, *, actor: str | None = None, read_only: bool = False) -> UnitOfWork:
        """A unit of work; ``read_only`` for reads that log nothing (board pages, KPIs): they
        never wait for a save or an import batch, and cannot write."""
        return UnitOfWork(self, actor=actor or self.actor, read_only=read_only)

    def integrity_problems(self, *, full: bool = True) -> list[str]:
        """Both integrity checks on the open database; [] when sound (never raises for damage)."""
        return integrity_problems(self.engine, full=full)

    def close(self) -> None:
        """Close every connection, then remove the open-session marker: a clean close."""
        close_engine(self.engine)
        integrity.mark_closed(self._marker)
        self._marker = None


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


def _check_owner(engine: Engine, *, user: str | None, role: str) -> str:
    """The user's name lives only here, inside the encrypted database: the first open records
    the name given when the vault was created (``user``; the key file names no person) with the
    role, and returns the recorded name. The key file's role is plaintext (outside the slots'
    authenticated data), so every later open compares it."""
    with engine.begin() as conn:
        rows = dict(conn.execute(select(Meta.key, Meta.value).where(
            Meta.key.in_(("owner_user", "owner_role")))).all())
        if not rows:
            # A vault whose creator never opened it (no name in memory) gets its role as the name.
            name = user or role
            conn.execute(Meta.__table__.insert(), [{"key": "owner_user", "value": name},
                                                   {"key": "owner_role", "value": role}])
            return name
        if rows.get("owner_role") != role or (user is not None and rows.get("owner_user") != user):
            raise StoreCorrupt(
                "the key file names a different role from the one this database was created "
                "for: it was edited. Keep the laptop as it is and tell your supervisor."
            )
        return rows.get("owner_user") or role
