"""What the status bar shows about sync: enrolled or not, the last sync, what is waiting."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pydantic import BaseModel

from fieldapp.services.sync import state
from fieldapp.store import Store


class SyncStatus(BaseModel):
    enrolled: bool
    device_id: str = ""
    hub_url: str = ""
    pending_ops: int = 0
    """Changes not yet receipted by the hub (pending or sealed)."""
    waiting_bundles: int = 0
    last_sync_at: datetime | None = None
    last_outcome: dict | None = None
    last_good_at: datetime | None = None
    """The last sync that finished (kept in the vault, so it survives a restart)."""

    def words(self) -> str:
        if not self.enrolled:
            return "Not enrolled with a station hub"
        if self.last_sync_at is None:
            last = "never synced"
        else:
            ok = (self.last_outcome or {}).get("ok")
            last = (f"last synced {self.last_sync_at.astimezone():%d %b %H:%M}"
                    + ("" if ok else " (it did not finish)"))
        waiting = f"; {self.pending_ops} change(s) to send" if self.pending_ops else ""
        return f"Station hub: {last}{waiting}"


def sync_status(*, store: Store) -> SyncStatus:
    with store.uow(read_only=True) as uow:
        db = uow.dbapi()
        rows = state.all_sync(db)
        if state.DEVICE_ID not in rows:
            return SyncStatus(enrolled=False)
        pending = db.execute("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sealed')"
                             ).fetchone()[0]
        waiting = db.execute("SELECT count(*) FROM sync_bundles WHERE state = 'sealed'"
                             ).fetchone()[0]
    at = rows.get(state.LAST_SYNC_AT)
    outcome = rows.get(state.LAST_SYNC_OUTCOME)
    good = rows.get(state.LAST_GOOD_SYNC_AT)
    return SyncStatus(
        enrolled=True, device_id=rows[state.DEVICE_ID], hub_url=rows.get(state.HUB_URL, ""),
        pending_ops=pending, waiting_bundles=waiting,
        last_sync_at=None if at is None else datetime.fromtimestamp(int(at) / 1000, UTC),
        last_outcome=None if outcome is None else json.loads(outcome),
        last_good_at=None if good is None else datetime.fromtimestamp(int(good) / 1000, UTC))
