"""ORM rows to pydantic records: the UI and reports never see a live ORM object.

A whole case is read and converted by ``case_state``.
"""

from __future__ import annotations

from fieldapp.domain import records as r
from fieldapp.store import orm


def summary_out(row: orm.Case) -> r.CaseSummary:
    return r.CaseSummary(
        case_id=row.id, police_ref=row.police_ref, pseudonym=row.pseudonym, bcu=row.bcu,
        district=row.district, police_visit_at=row.police_visit_at,
        idva_visit_at=row.first_idva_visit_at, allocated_to=row.allocated_to, status=row.status,
    )
