"""The KPIs of what this vault holds: the tracker KPI engine over the vault's own rows."""

from __future__ import annotations

from fieldapp.domain.enums import DEFAULT_POSITIVE_OUTCOMES
from fieldapp.services.tracker_rows import tracker_rows
from fieldapp.store.uow import UnitOfWork
from fieldapp.tracker import KpiFilter, KpiReport, compute_kpis


def vault_kpis(*, uow: UnitOfWork, flt: KpiFilter | None = None,
               positive_outcomes: frozenset[str] = DEFAULT_POSITIVE_OUTCOMES) -> KpiReport:
    rows = tracker_rows(uow=uow)
    if flt is not None:
        rows = flt.apply(rows)
    return compute_kpis(rows, positive_outcomes=positive_outcomes)
