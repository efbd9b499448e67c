"""Audit-chain tamper check: alter, delete or reorder one row; verify must fail at that row.

Expected first bad seq: an altered row k fails at k; a deleted row k at k + 1 (the gap); rows k
and k + 1 swapped fail at k. Deleting the last row leaves a shorter valid chain: a hash chain
alone cannot see a truncated tail (that needs an anchor held elsewhere, e.g. the hub's copy of
the last hash); it is reported, not counted as a miss.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import plain_store


def _build(path: Path, key: str, incidents: int, sample: Path | None) -> int:
    """A chain written by every path: single appends in one transaction and across several,
    and the bulk form used by the import."""
    from fieldapp.domain import records as r
    from fieldapp.services import capture, tracker_import

    store = plain_store(path, key)
    now = datetime.now(UTC)
    try:
        for batch in range(max(1, incidents // 5)):
            with store.uow() as uow:
                for i in range(5):
                    capture.create_incident(uow=uow, now=now, incident=r.IncidentIn(
                        police_ref=f"LC-AUD-{batch}-{i}", bcu="EAST",
                        police_visit_at=now - timedelta(hours=2)))
                uow.commit()
        if sample is not None:
            with store.uow() as uow:
                tracker_import.import_tracker(uow=uow, path=sample)
        with store.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT max(seq) FROM audit_log").scalar_one()
    finally:
        store.close()


def _verify(path: Path, key: str, tamper: str, k: int) -> int | None:
    from fieldapp.store import Store, audit
    from fieldapp.store.engine import open_engine

    store = Store(open_engine(path, key), db_path=path, actor="check")
    try:
        with store.engine.begin() as conn:
            if tamper == "alter":
                conn.exec_driver_sql("UPDATE audit_log SET actor = 'someone else' WHERE seq = ?", (k,))
            elif tamper == "alter_fields":
                conn.exec_driver_sql("UPDATE audit_log SET fields = '[\"victim_name\"]', "
                                     "justification = 'edited' WHERE seq = ?", (k,))
            elif tamper == "delete":
                conn.exec_driver_sql("DELETE FROM audit_log WHERE seq = ?", (k,))
            elif tamper == "reorder":
                conn.exec_driver_sql("UPDATE audit_log SET seq = -1 WHERE seq = ?", (k,))
                conn.exec_driver_sql("UPDATE audit_log SET seq = ? WHERE seq = ?", (k, k + 1))
                conn.exec_driver_sql("UPDATE audit_log SET seq = ? WHERE seq = -1", (k + 1,))
        with store.uow() as uow:
            return audit.verify(uow.session).first_bad_seq
    finally:
        store.close()


def run(work: Path, *, incidents: int = 30, positions: int | None = None,
        sample: Path | None = None) -> dict:
    """Tamper with copies of one chain at many positions; count wrong answers."""
    original = work / "audit.db"
    key = os.urandom(32).hex()
    last = _build(original, key, incidents, sample)
    with_chain = _verify(_copy(original, work / "clean.db"), key, "none", 0)
    report = {"rows": last, "checks": 0, "detected_at_right_seq": 0, "wrong": [],
              "clean_chain_ok": with_chain is None, "tail_truncation_detected": None}
    picks = sorted({1, 2, last // 2, last - 1, *(range(1, last) if positions is None else
                                                  range(1, last, max(1, last // positions)))})
    for tamper in ("alter", "alter_fields", "delete", "reorder"):
        for k in picks:
            if k >= last and tamper in ("delete", "reorder"):
                continue
            expected = k + 1 if tamper == "delete" else k
            got = _verify(_copy(original, work / "t.db"), key, tamper, k)
            report["checks"] += 1
            if got == expected:
                report["detected_at_right_seq"] += 1
            else:
                report["wrong"].append(f"{tamper} seq {k}: verify said {got}, expected {expected}")
    got = _verify(_copy(original, work / "t.db"), key, "delete", last)
    report["tail_truncation_detected"] = got is not None
    return report


def _copy(src: Path, dst: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        target = Path(str(dst) + suffix)
        target.unlink(missing_ok=True)
        source = Path(str(src) + suffix)
        if source.exists():
            shutil.copyfile(source, target)
    return dst
