"""Tracker v1: the one-row-per-visit interchange table (shared/spec/tracker-csv-v1.md).

Pure Python: rows, streaming CSV/XLSX readers and writers, and the one KPI engine. No database,
no Qt; the import/export services and the reports build on these names.
"""

from fieldapp.tracker.cells import FORMULA_TRIGGERS, defuse, undefuse
from fieldapp.tracker.kpi import ChiSquare, KpiFilter, KpiReport, Pct, compute_kpis
from fieldapp.tracker.reader import (
    ReadItem,
    RowRejection,
    TrackerFileError,
    TrackerReader,
    read_tracker,
)
from fieldapp.tracker.row import (
    COLUMNS,
    DERIVED,
    OPTIONAL,
    REFERRAL_COLUMNS,
    REQUIRED,
    ReferralDecision,
    SupportDecision,
    TrackerRow,
    derive_visit_id,
)
from fieldapp.tracker.writer import MARKING, write_csv, write_xlsx

__all__ = [
    "COLUMNS", "DERIVED", "FORMULA_TRIGGERS", "MARKING", "OPTIONAL", "REFERRAL_COLUMNS",
    "REQUIRED", "ChiSquare", "KpiFilter", "KpiReport", "Pct", "ReadItem", "ReferralDecision",
    "RowRejection", "SupportDecision", "TrackerFileError", "TrackerReader", "TrackerRow",
    "compute_kpis", "defuse", "derive_visit_id", "read_tracker", "undefuse", "write_csv",
    "write_xlsx",
]
