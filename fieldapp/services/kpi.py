"""The KPIs of what this vault holds: the tracker KPI engine over the vault's own rows.

The engine's counts are taken straight from the stored values (tracker.kpi_stored), in three
plain reads on the session's own connection: the offers folded to one code per visit in one
table scan, the outcomes per case, and the visits joined to their cases, streamed unordered (the
counts do not depend on order). No TrackerRow is built: at 100,000 visits that was most of the
KPI report's time. tracker_rows (export) still builds and validates every row.
"""

from __future__ import annotations

from fieldapp.domain.enums import DEFAULT_POSITIVE_OUTCOMES
from fieldapp.store.uow import UnitOfWork
from fieldapp.tracker import KpiFilter, KpiReport
from fieldapp.tracker.kpi import KpiCounts, kpi_report
from fieldapp.tracker.kpi_stored import count_stored, fold_offers, offer_code_sql

_OFFERS = f"SELECT visit_id, {offer_code_sql()} FROM offers"
_OUTCOMES = "SELECT case_id, outcome_code FROM outcomes"
_VISITS = ("SELECT v.id, c.id, c.police_visit_at, v.idva_visit_at, c.bcu, c.district,"
           " v.idva_code, c.allocated_to FROM visits v JOIN cases c ON v.case_id = c.id")


def vault_kpis(*, uow: UnitOfWork, flt: KpiFilter | None = None,
               positive_outcomes: frozenset[str] = DEFAULT_POSITIVE_OUTCOMES) -> KpiReport:
    return kpi_report(vault_kpi_counts(uow=uow, flt=flt), positive_outcomes=positive_outcomes)


def vault_kpi_counts(*, uow: UnitOfWork, flt: KpiFilter | None = None) -> KpiCounts:
    # The DBAPI cursor hands back plain tuples, inside the session's transaction.
    conn = uow.dbapi()
    offers = fold_offers(conn.execute(_OFFERS))
    outcomes = dict(conn.execute(_OUTCOMES))
    return count_stored(conn.execute(_VISITS), offers=offers, outcomes=outcomes, flt=flt)
