"""Export the vault's tracker (CSV or XLSX): built in memory, written atomically where the user
chose, and logged as a disclosure with its recipient and purpose."""

from __future__ import annotations

import io
from pathlib import Path

from fieldapp.domain.clock import utc_now
from fieldapp.domain.errors import UserFacingError
from fieldapp.services.identity import read_own_staff_code
from fieldapp.services.tracker_rows import tracker_rows
from fieldapp.store.audit import Action
from fieldapp.store.uow import UnitOfWork
from fieldapp.tracker import KpiFilter, write_csv, write_xlsx
from fieldapp.vault import atomic_write

FORMATS = ("csv", "xlsx")


def format_for(path: Path, requested: str | None) -> str:
    fmt = (requested or path.suffix.lstrip(".") or "csv").lower()
    if fmt not in FORMATS:
        raise UserFacingError(f"export format must be csv or xlsx, not '{fmt}'")
    return fmt


def export_tracker(
    *, uow: UnitOfWork, out: Path, fmt: str, recipient: str, purpose: str,
    flt: KpiFilter | None = None,
) -> int:
    """Write the tracker to ``out``; returns the row count. The caller commits (audit row)."""
    rows = tracker_rows(uow=uow)
    if flt is not None:
        rows = flt.apply(rows)
    buffer = io.BytesIO()
    writer = write_xlsx if fmt == "xlsx" else write_csv
    # The sheet leaves the laptop: it names the exporter by staff code (or role), not by name.
    db = uow.dbapi()
    role = db.execute("SELECT value FROM meta WHERE key = 'owner_role'").fetchone()
    exported_by = read_own_staff_code(db) or (role[0] if role else "") or "fieldapp"
    count = writer(rows, buffer, exported_by=exported_by, exported_at=utc_now())
    try:
        atomic_write(out, buffer.getvalue())
    except OSError as exc:
        raise UserFacingError(f"could not write {out.name}: {exc.strerror}; choose another folder") from None
    uow.audit(Action.DISCLOSURE, "tracker", out.name, fields=["tracker_v1"],
              justification=purpose, recipient=recipient)
    return count
