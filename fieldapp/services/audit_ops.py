"""Audit-log use cases that are not a side effect of recording."""

from __future__ import annotations

from fieldapp.store import audit
from fieldapp.store.audit import Action, ChainReport
from fieldapp.store.uow import UnitOfWork


def verify_chain(*, uow: UnitOfWork) -> ChainReport:
    return audit.verify(uow.session)


def log_recovery(*, uow: UnitOfWork) -> None:
    uow.audit(Action.ALTERATION, "vault", "keyslots", fields=["passphrase_slot"],
              justification="passphrase reset with the organisation recovery key")


def log_disclosure(*, uow: UnitOfWork, record_type: str, record_id: object, purpose: str,
                   recipient: str, fields: list[str] | None = None) -> None:
    """A print, export or sync: who received what, and why (DPA 2018 s.62)."""
    uow.audit(Action.DISCLOSURE, record_type, record_id, fields=fields or [],
              justification=purpose, recipient=recipient)
