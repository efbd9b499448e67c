"""Encrypted local store: SQLAlchemy 2 over SQLCipher, unit of work, audit log, outbox."""

from fieldapp.store.engine import StoreCorrupt
from fieldapp.store.store import Store
from fieldapp.store.uow import UnitOfWork, WriteExecutor

__all__ = ["Store", "StoreCorrupt", "UnitOfWork", "WriteExecutor"]
