"""Encrypted local store: SQLAlchemy 2 over SQLCipher, unit of work, audit log, outbox."""

from fieldapp.store.engine import StoreClosed, StoreCorrupt
from fieldapp.store.integrity import DatabaseDamaged
from fieldapp.store.store import Store
from fieldapp.store.uow import UnitOfWork, WriteExecutor

__all__ = ["DatabaseDamaged", "Store", "StoreClosed", "StoreCorrupt", "UnitOfWork", "WriteExecutor"]
