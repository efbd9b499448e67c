"""Open conflicts of safety-critical fields, as the hub holds them.

Conflict detection (two devices changing do-not-contact, safe contact, risk grade or MARAC from
the same base) is the next step of the sync work; until it writes rows, this lists what the
``conflicts`` table holds, which is nothing. The competing values are sealed in ``detail``; they
are listed by the resolve screens that arrive with detection.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sync.hub.store import tables as t
from sync.hub.store.db import Database


def open_conflicts(db: Database) -> list[dict[str, Any]]:
    query = (select(t.conflicts.c.case_id, t.conflicts.c.field, t.conflicts.c.created_at,
                    t.cases.c.police_ref)
             .select_from(t.conflicts.outerjoin(t.cases, t.cases.c.case_id == t.conflicts.c.case_id))
             .where(t.conflicts.c.state == "open")
             .order_by(t.conflicts.c.created_at))
    with db.begin(read_only=True) as conn:
        return [{"case_id": row.case_id, "police_incident_ref": row.police_ref or "",
                 "field": row.field, "values": [], "in_force": None, "since": row.created_at}
                for row in conn.execute(query)]
