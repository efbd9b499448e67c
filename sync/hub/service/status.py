"""``fieldapp-hub status``: devices by state, their last syncs, quarantined ops, database size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from sync.hub.store.db import Database
from sync.hub.store.tables import cases, devices, ops, received_bundles


def _sqlite_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"))
               if p.exists())


def status(db: Database, *, data_dir: Path) -> dict[str, Any]:
    with db.begin(read_only=True) as conn:
        by_state = {state: n for state, n in conn.execute(
            select(devices.c.state, func.count()).group_by(devices.c.state))}
        syncs = [dict(row._mapping) for row in conn.execute(
            select(devices.c.device_id, devices.c.user, devices.c.role, devices.c.state,
                   devices.c.last_seen, devices.c.last_seq, devices.c.last_cursor)
            .order_by(devices.c.last_seen.desc().nulls_last(), devices.c.device_id))]
        quarantined = conn.execute(select(func.count()).select_from(ops)
                                   .where(ops.c.quarantined.is_(True))).scalar_one()
        op_count = conn.execute(select(func.count()).select_from(ops)).scalar_one()
        case_count = conn.execute(select(func.count()).select_from(cases)).scalar_one()
        bundles = conn.execute(select(func.count()).select_from(received_bundles)).scalar_one()
        if db.backend == "postgresql":
            size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        else:
            path = db.file_path()
            size = _sqlite_bytes(path) if path is not None else 0
    return {
        "backend": db.backend,
        "devices": {"active": by_state.get("active", 0), "revoked": by_state.get("revoked", 0),
                    "total": sum(by_state.values())},
        "last_syncs": syncs,
        "bundles": int(bundles),
        "ops": int(op_count),
        "quarantined_ops": int(quarantined),
        "cases": int(case_count),
        "database_bytes": int(size),
        "data_dir": str(data_dir),
    }
