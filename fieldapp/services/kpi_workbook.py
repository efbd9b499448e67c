"""Save the KPI figures as a spreadsheet (reports.kpi_xlsx): built in memory, written atomically
where the user chose, and logged as a disclosure like the KPI PDF."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from fieldapp.domain.clock import utc_now
from fieldapp.domain.errors import UserFacingError
from fieldapp.reports.kpi_xlsx import write_kpi_xlsx
from fieldapp.services.demo_removal import count_demo_cases
from fieldapp.services.identity import read_own_staff_code
from fieldapp.services.kpi import vault_kpis
from fieldapp.store.audit import Action
from fieldapp.store.uow import UnitOfWork
from fieldapp.tracker import KpiFilter
from fieldapp.vault import atomic_write


def kpi_workbook_bytes(*, uow: UnitOfWork, flt: KpiFilter | None,
                       now: datetime | None = None) -> bytes:
    """The workbook of this vault's KPIs under ``flt``. It names its maker by staff code (or
    role), never by name, as the tracker export does: the sheet leaves the laptop."""
    db = uow.dbapi()
    role = db.execute("SELECT value FROM meta WHERE key = 'owner_role'").fetchone()
    generated_by = read_own_staff_code(db) or (role[0] if role else "") or "fieldapp"
    demo = count_demo_cases(uow=uow)
    note = (f"Includes {demo} demonstration cases (fictional, references DEMO-); remove them "
            "with fieldapp demo --remove") if demo else ""
    buffer = io.BytesIO()
    write_kpi_xlsx(vault_kpis(uow=uow, flt=flt), buffer, flt=flt, generated_at=now or utc_now(),
                   generated_by=generated_by, note=note)
    return buffer.getvalue()


def save_kpi_workbook(*, uow: UnitOfWork, flt: KpiFilter | None, out: Path, filters_text: str,
                      recipient: str, purpose: str) -> None:
    """Write the workbook to ``out`` and audit the disclosure; the caller commits."""
    data = kpi_workbook_bytes(uow=uow, flt=flt)
    try:
        atomic_write(out, data)
    except OSError as exc:
        raise UserFacingError(f"could not write {out.name}: {exc.strerror}; "
                              "choose another folder") from None
    uow.audit(Action.DISCLOSURE, "kpi_report", filters_text, fields=["aggregate_kpis"],
              justification=f"{purpose}; spreadsheet saved as {out.name}", recipient=recipient)
