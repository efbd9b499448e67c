"""What the hub gives people: the consolidated tracker, the KPI figures and the KPI report.

Every case is decrypted and replayed (sync.protocol.replay, as the laptop rebuilds it), then
projected to tracker v1 rows by ``fieldapp.tracker.from_tables`` (value for value the laptop's
own projection), so the hub's figures are the laptop's figures over all synced data. Files are
built in memory and written atomically, owner-only; each export or report saved is a disclosure
in the hub audit log with its recipient and purpose.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fieldapp.domain import clock
from fieldapp.domain.enums import Bcu
from fieldapp.tracker import KpiFilter, TrackerRow, compute_kpis, write_csv, write_xlsx
from fieldapp.tracker.from_tables import tracker_rows_from_tables
from sync.hub.config import write_private
from sync.hub.keys import HubKeys
from sync.hub.service import audit, casedata
from sync.hub.service.errors import Refused
from sync.hub.store.db import Database

log = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx")


def _now_ms() -> int:
    return int(time.time() * 1000)


def _case_rows(db: Database, keys: HubKeys) -> Iterator[list[TrackerRow]]:
    with db.begin(read_only=True) as conn:
        case_ids = casedata.all_case_ids(conn)
        for part in casedata.chunks(case_ids):
            for case_id, case_ops in casedata.case_ops(conn, keys, part).items():
                tables = casedata.tables_of(case_id, case_ops)
                if tables is None:
                    continue
                try:
                    yield tracker_rows_from_tables(tables)
                except (ValidationError, ValueError):
                    log.warning("case not projected to tracker rows", extra={"case_id": case_id})


def tracker_rows(db: Database, keys: HubKeys) -> list[TrackerRow]:
    """Every synced visit as a tracker v1 row, in police-visit order (as the laptop exports)."""
    rows = [row for case in _case_rows(db, keys) for row in case]
    rows.sort(key=lambda r: (r.police_visit_at, str(r.visit_id)))
    return rows


def _filter(date_from: date | None, date_to: date | None, bcu: str | None,
            district: str | None = None, idva: str | None = None) -> KpiFilter:
    try:
        return KpiFilter(date_from=date_from, date_to=date_to,
                         bcu=Bcu(bcu.upper()) if bcu else None, district=district or None,
                         idva_code=idva or None)
    except ValueError:
        raise Refused(400, "malformed", "the BCU must be one of "
                      + ", ".join(b.value for b in Bcu)) from None


def _write(out: Path, data: bytes) -> None:
    try:
        write_private(Path(out), data)
    except OSError as exc:
        raise Refused(400, "cannot_write", f"could not write the file there ({exc.strerror}); "
                                           "choose another folder") from None


def export_tracker(db: Database, keys: HubKeys, *, out: Path, fmt: str, recipient: str,
                   purpose: str, actor: str) -> int:
    """The consolidated tracker (tracker v1 CSV or XLSX, OFFICIAL-SENSITIVE marked, text cells
    defused) written atomically to ``out``; returns the row count. Audited as a disclosure."""
    fmt = (fmt or Path(out).suffix.lstrip(".") or "csv").lower()
    if fmt not in FORMATS:
        raise Refused(400, "malformed", "the export format must be csv or xlsx")
    rows = tracker_rows(db, keys)
    buffer = io.BytesIO()
    writer = write_xlsx if fmt == "xlsx" else write_csv
    count = writer(rows, buffer, exported_by=actor, exported_at=clock.utc_now())
    # The disclosure row and the file together: a failed write rolls the row back.
    with db.begin() as conn:
        audit.append(conn, at=_now_ms(), actor=actor, action=audit.Action.DISCLOSURE,
                     record_type="tracker", record_id=Path(out).name, recipient=recipient,
                     purpose=f"{purpose}; tracker_v1 {fmt}, {count} rows")
        _write(Path(out), buffer.getvalue())
    return count


def kpi_report(db: Database, keys: HubKeys, *, date_from: date | None = None,
               date_to: date | None = None, bcu: str | None = None, district: str | None = None,
               idva: str | None = None) -> Any:
    """The KpiReport of every synced visit matching the filter (fieldapp.tracker.kpi)."""
    flt = _filter(date_from, date_to, bcu, district, idva)
    return compute_kpis(flt.apply(tracker_rows(db, keys)))


def kpi_json(db: Database, keys: HubKeys, *, date_from: date | None = None,
             date_to: date | None = None, bcu: str | None = None, district: str | None = None,
             idva: str | None = None) -> dict[str, Any]:
    """Exactly the document ``fieldapp report kpi --json`` prints, over all synced data."""
    return kpi_report(db, keys, date_from=date_from, date_to=date_to, bcu=bcu,
                      district=district, idva=idva).to_cli_json()


def kpi_xlsx(db: Database, keys: HubKeys, *, out: Path, actor: str, recipient: str,
             purpose: str, date_from: date | None = None, date_to: date | None = None,
             bcu: str | None = None, now: datetime | None = None) -> Path:
    """The KPI figures as a workbook (fieldapp.reports.kpi_xlsx, the laptop's layout) written
    atomically to ``out``; audited as a disclosure like the PDF."""
    from fieldapp.reports.kpi_xlsx import write_kpi_xlsx

    flt = _filter(date_from, date_to, bcu, None, None)
    buffer = io.BytesIO()
    write_kpi_xlsx(compute_kpis(flt.apply(tracker_rows(db, keys))), buffer, flt=flt,
                   generated_at=now or datetime.now(UTC), generated_by=(actor or "hub")[:120])
    described = ", ".join(f"{k} {v}" for k, v in (
        ("from", date_from), ("to", date_to), ("BCU", bcu.upper() if bcu else None)) if v)
    with db.begin() as conn:  # the disclosure row and the file together
        audit.append(conn, at=_now_ms(), actor=actor, action=audit.Action.DISCLOSURE,
                     record_type="kpi_report", record_id=described or "All synced records",
                     recipient=recipient, purpose=f"{purpose}; spreadsheet saved as {Path(out).name}")
        _write(Path(out), buffer.getvalue())
    return Path(out)


def kpi_pdf(db: Database, keys: HubKeys, *, out: Path, actor: str, recipient: str, purpose: str,
            date_from: date | None = None, date_to: date | None = None, bcu: str | None = None,
            district: str | None = None, idva: str | None = None, encrypt: str | None = None,
            now: datetime | None = None) -> Path:
    """The KPI report PDF (fieldapp.reports) written atomically to ``out``; audited."""
    from fieldapp.reports import KpiReportInput, render_kpi_report, write_pdf

    report = kpi_report(db, keys, date_from=date_from, date_to=date_to, bcu=bcu,
                        district=district, idva=idva)
    described = ", ".join(f"{k} {v}" for k, v in (
        ("from", date_from), ("to", date_to), ("BCU", bcu.upper() if bcu else None),
        ("district", district), ("IDVA", idva)) if v)
    filters = described or "All synced records"
    period = ""
    if report.period_from and report.period_to:
        period = (f"{clock.to_london(report.period_from):%d %b %Y} to "
                  f"{clock.to_london(report.period_to):%d %b %Y}")
    data = render_kpi_report(KpiReportInput(
        kpis=report, printed_by=(actor or "hub")[:120], printed_at=now or datetime.now(UTC),
        filters=filters, period=period), encrypt=encrypt)
    with db.begin() as conn:  # the disclosure row and the file together
        audit.append(conn, at=_now_ms(), actor=actor, action=audit.Action.DISCLOSURE,
                     record_type="kpi_report", record_id=filters, recipient=recipient,
                     purpose=f"{purpose}; PDF saved as {Path(out).name}")
        try:
            written = write_pdf(data, Path(out))
        except OSError as exc:
            raise Refused(400, "cannot_write", f"could not write the file there "
                                               f"({exc.strerror}); choose another folder") from None
    return written
