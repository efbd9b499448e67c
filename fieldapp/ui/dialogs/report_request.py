"""What a report dialog asks for, and the worker that builds the PDF from it.

Plain Python (no widgets): the dialog fills a :class:`ReportRequest`; :func:`build_report` runs
in the writer queue because building a case summary reads the case, which is logged as a
consultation. The PDF comes back as bytes in memory; showing it to the person who asked is not a
disclosure. :func:`recorder` logs each save or print of it as one, in the same worker as the
file write, so a file that could not be written is never logged as disclosed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from uuid import UUID

from fieldapp.domain.enums import Bcu
from fieldapp.services import queries, reporting
from fieldapp.store import orm
from fieldapp.tracker import KpiFilter
from fieldapp.ui.context import AppContext


class ReportKind(Enum):
    CASE = "case"
    CASELOAD = "caseload"
    KPI = "kpi"


@dataclass(frozen=True)
class ReportRequest:
    kind: ReportKind
    recipient: str
    purpose: str
    password: str | None = None
    case_id: UUID | None = None  # the open case, when the reference was left as shown
    case_reference: str = ""
    include_voice: bool = False
    voice_reason: str = ""
    idva: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    bcu: Bcu | None = None

    def kpi_filter(self) -> KpiFilter:
        return KpiFilter(date_from=self.date_from, date_to=self.date_to, bcu=self.bcu)

    def filters_text(self) -> str:
        parts = [(label, value) for label, value in (
            ("from", self.date_from and f"{self.date_from:%d/%m/%Y}"),
            ("to", self.date_to and f"{self.date_to:%d/%m/%Y}"),
            ("BCU", self.bcu and self.bcu.value)) if value]
        return ", ".join(f"{label} {value}" for label, value in parts) or "All records"


@dataclass(frozen=True)
class BuiltReport:
    data: bytes
    record_type: str
    record_id: str
    file_name: str
    fields: list[str] = field(default_factory=list)


def case_label(context: AppContext, case_id: UUID) -> str:
    """Worker (read): the open case's pseudonym, shown in the dialog (never the victim's name)."""
    with context.uow() as uow:
        case = uow.session.get(orm.Case, case_id)
        return case.pseudonym if case is not None else ""


def build_report(context: AppContext, request: ReportRequest) -> BuiltReport:
    """Worker (writer queue): the PDF bytes, its disclosure logged and committed."""
    today = f"{date.today():%Y-%m-%d}"
    common = {"encrypt": request.password}
    with context.uow() as uow:
        if request.kind is ReportKind.CASE:
            case_id = request.case_id or queries.find_case_id(
                uow=uow, reference=request.case_reference)
            data = reporting.case_summary_pdf(uow=uow, case_id=case_id,
                                              include_voice=request.include_voice,
                                              voice_reason=request.voice_reason, **common)
            pseudonym = uow.session.get(orm.Case, case_id).pseudonym
            built = BuiltReport(data, "case", str(case_id), f"case-summary-{pseudonym}.pdf",
                                reporting.case_summary_fields(request.include_voice))
        elif request.kind is ReportKind.CASELOAD:
            data = reporting.caseload_pdf(uow=uow, idva=request.idva, **common)
            who = request.idva or "all"
            built = BuiltReport(data, "caseload", who, f"caseload-{who}-{today}.pdf",
                                ["caseload_summary"])
        else:
            filters = request.filters_text()
            data = reporting.kpi_pdf(uow=uow, flt=request.kpi_filter(), filters_text=filters,
                                     **common)
            built = BuiltReport(data, "kpi_report", filters, f"kpi-report-{today}.pdf",
                                ["aggregate_kpis"])
        uow.commit()
    return built


def save_kpi_spreadsheet(context: AppContext, request: ReportRequest, out: Path) -> Path:
    """Worker (writer queue): the KPI figures saved as a workbook at ``out``, the disclosure
    logged and committed with it (nothing is logged when the file cannot be written)."""
    from fieldapp.services.kpi_workbook import save_kpi_workbook

    with context.uow() as uow:
        save_kpi_workbook(uow=uow, flt=request.kpi_filter(), out=out,
                          filters_text=request.filters_text(), recipient=request.recipient,
                          purpose=request.purpose)
        uow.commit()
    return out


def recorder(context: AppContext, request: ReportRequest, built: BuiltReport
             ) -> Callable[[str, Callable[[], object]], object]:
    """``record(event, action)`` for the preview: runs ``action`` and logs the disclosure."""
    def record(event: str, action: Callable[[], object]) -> object:
        with context.uow() as uow:
            reporting.record_disclosure(
                uow=uow, record_type=built.record_type, record_id=built.record_id,
                purpose=request.purpose, recipient=request.recipient, fields=built.fields,
                event=event)
            result = action()
            uow.commit()
            return result
    return record
