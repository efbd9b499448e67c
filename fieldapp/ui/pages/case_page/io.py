"""The case page's database work. Every function runs on a worker thread (ui.tasks.run_task),
opens its own unit of work there and returns pydantic records; nothing here touches Qt."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fieldapp.domain import records as r
from fieldapp.services import drafts, queries
from fieldapp.services.visit_form import VisitForm, save_visit_form
from fieldapp.ui.context import AppContext

DRAFT_FORMAT = 1


def draft_key(case_id: UUID) -> str:
    return f"case:{case_id}"


def load_case(context: AppContext, case_id: UUID) -> tuple[r.CaseOut, dict[str, Any] | None]:
    """The case and its draft, if any. Opening a case is an audited consultation: a write."""
    with context.uow() as uow:
        case = queries.get_case(uow=uow, case_id=case_id)
        draft = drafts.load_draft(uow=uow, key=draft_key(case_id))
        uow.commit()
    if draft is not None and draft.get("format") != DRAFT_FORMAT:
        draft = None  # a draft this version cannot read is left alone, not half-applied
    return case, draft


def write_draft(context: AppContext, key: str, payload: dict[str, Any]) -> None:
    with context.uow() as uow:
        drafts.save_draft(uow=uow, key=key, payload=payload)
        uow.commit()


def save_form(context: AppContext, case_id: UUID, form: VisitForm, visit_id: UUID | None,
              justification: str) -> r.CaseOut:
    """The page's one save: every section, the audit entries and the outbox in one transaction,
    and the draft dropped in that same transaction."""
    with context.uow() as uow:
        return save_visit_form(uow=uow, case_id=case_id, form=form, visit_id=visit_id,
                               draft_key=draft_key(case_id), justification=justification)
