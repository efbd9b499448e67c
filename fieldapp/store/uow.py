"""Unit of work: one session per user action, opened where it is used, never shared.

    with UnitOfWork(store, actor="jo") as uow:
        ...
        uow.commit()

Leaving the block without ``commit()`` rolls everything back: nothing is ever half-saved.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from fieldapp.store import audit, outbox
from fieldapp.store.cursor import dbapi_of

if TYPE_CHECKING:
    from fieldapp.store.store import Store

T = TypeVar("T")


class UnitOfWork:
    def __init__(self, store: Store, *, actor: str, read_only: bool = False):
        self._factory: sessionmaker[Session] = (
            store.read_session_factory if read_only else store.session_factory)
        self.read_only = read_only
        self.actor = actor
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def dbapi(self) -> Any:
        """The DB-API connection inside this unit of work's transaction (begun if need be).

        For hot paths that read and write rows in stored form: the statements run in the same
        transaction as the session's, so they commit or roll back with it. Pending ORM changes
        are flushed first, as the session's own autoflush would before a query.
        """
        session = self.session
        if session.new or session.dirty or session.deleted:
            session.flush()
        return dbapi_of(session)

    def audit(self, action: audit.Action, record_type: str, record_id: object, **kw: Any) -> None:
        audit.append(self.session, actor=self.actor, action=action, record_type=record_type,
                     record_id=record_id, **kw)

    def enqueue(self, entity: str, entity_id: object, op: str, payload: dict) -> None:
        outbox.enqueue(self.session, entity=entity, entity_id=entity_id, op=op, payload=payload)


class WriteExecutor:
    """SQLite has one writer: every write from the UI goes through this single thread."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldapp-writer")

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
