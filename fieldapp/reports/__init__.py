"""PDF reports from plain data (no Qt, no database).

Importing the package first locks reportlab down (``safe``: no URL is ever fetched) and
registers the embedded fonts. Renderers return bytes built in memory; ``write_pdf`` puts them
where the user chose, atomically.
"""

from fieldapp.reports import safe as _safe  # noqa: F401  (first: locks reportlab down)
from fieldapp.reports import theme
from fieldapp.reports.case_summary import CaseSummaryInput, render_case_summary
from fieldapp.reports.caseload import CaseloadCase, CaseloadInput, CaseloadRow, render_caseload
from fieldapp.reports.fonts import register_fonts, resources_dir
from fieldapp.reports.kpi_report import KpiReportInput, render_kpi_report
from fieldapp.reports.safe import safe_para
from fieldapp.reports.write import write_pdf

__all__ = [
    "CaseloadCase",
    "CaseloadInput",
    "CaseloadRow",
    "KpiReportInput",
    "render_kpi_report",
    "render_caseload",
    "CaseSummaryInput",
    "render_case_summary",
    "register_fonts",
    "resources_dir",
    "safe_para",
    "theme",
    "write_pdf",
]
