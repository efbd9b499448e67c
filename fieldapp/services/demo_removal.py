"""Taking the demonstration cases off a vault: every row they have, and nothing else.

A demonstration case is one whose police reference starts with ``DEMO-`` (what
:func:`fieldapp.services.demo.fill_demo` writes, and what a tracker export of them carries, so a
re-import of that sheet is demonstration data too; a new incident may not use the prefix). Their
rows go from every table that holds a case's or a visit's rows, found from the database's own
schema so a table added later is not missed, and with them their drafts and their unsent outbox
operations (they must never reach the hub). Cases whose operations the hub already
acknowledged are refused instead (:class:`DemoAlreadySynced`): the next pull would bring them back. The KPIs, exports and reports read those tables, so
nothing of them is counted or printed afterwards. The audit log is hash-chained and is not
edited: one erasure entry records the removal and how many cases went.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fieldapp.domain.demo import DEMO_PREFIX
from fieldapp.domain.errors import UserFacingError
from fieldapp.services.sync.ops import outbox_op_ids
from fieldapp.store.audit import Action
from fieldapp.store.uow import UnitOfWork

__all__ = ["DemoAlreadySynced", "count_demo_cases", "remove_demo_cases"]

log = logging.getLogger(__name__)

_DEMO = f"police_ref GLOB '{DEMO_PREFIX}*'"  # GLOB: case-sensitive, as the demo writes it
_IDS = "(SELECT value FROM json_each(?1))"
_KEEP = {"cases", "incidents", "visits", "audit_log", "outbox", "meta", "drafts"}
DRAFT_PREFIX = "case:"  # as the case page keys its drafts


class DemoAlreadySynced(UserFacingError):
    """Demonstration cases the hub already holds are not removed from one laptop alone."""


def count_demo_cases(*, uow: UnitOfWork) -> int:
    """How many demonstration cases the vault holds (0 once removed)."""
    return uow.dbapi().execute(f"SELECT count(*) FROM cases WHERE {_DEMO}").fetchone()[0]


def _tables_with(db: Any, column: str) -> list[str]:
    names = [name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name")]
    return [name for name in names if name not in _KEEP and any(
        row[1] == column for row in db.execute(f'PRAGMA table_info("{name}")'))]


def remove_demo_cases(*, uow: UnitOfWork) -> int:
    """Delete every demonstration case and all its rows; returns how many cases went. The caller
    commits (all of it or, on any failure, none)."""
    db = uow.dbapi()
    cases = [case_id for (case_id,) in db.execute(f"SELECT id FROM cases WHERE {_DEMO}")]
    if not cases:
        return 0
    ids = json.dumps(cases)
    incidents = json.dumps([i for (i,) in db.execute(
        f"SELECT DISTINCT incident_id FROM cases WHERE id IN {_IDS}", (ids,))])
    sent = outbox_op_ids(db, cases, status="acked")
    if sent:
        # The hub holds them now and would send them back on the next pull.
        raise DemoAlreadySynced(
            "some demonstration cases were already sent to the station hub, which would send "
            "them back: a coordinator removes them there; nothing was changed here")
    ops = outbox_op_ids(db, cases)  # before their rows go: the lookup joins through them
    if ops:
        db.execute("DELETE FROM outbox WHERE op_id IN (SELECT value FROM json_each(?1))",
                   (json.dumps(ops),))
    visits = f"(SELECT id FROM visits WHERE case_id IN {_IDS})"
    for table in _tables_with(db, "visit_id"):  # a visit's rows, then a case's, then both
        db.execute(f'DELETE FROM "{table}" WHERE visit_id IN {visits}', (ids,))
    for table in _tables_with(db, "case_id"):
        db.execute(f'DELETE FROM "{table}" WHERE case_id IN {_IDS}', (ids,))
    db.execute(f"DELETE FROM visits WHERE case_id IN {_IDS}", (ids,))
    db.execute(f"DELETE FROM cases WHERE id IN {_IDS}", (ids,))
    db.execute(f"DELETE FROM incidents WHERE id IN {_IDS}"
               " AND id NOT IN (SELECT incident_id FROM cases)", (incidents,))
    db.execute("DELETE FROM drafts WHERE key IN (SELECT ?2 || value FROM json_each(?1))",
               (ids, DRAFT_PREFIX))
    uow.audit(Action.ERASURE, "demo", "all", fields=["cases"],
              justification=f"demonstration data removed: {len(cases)} cases")
    log.info("demonstration cases removed", extra={"count": len(cases), "op_count": len(ops)})
    return len(cases)
