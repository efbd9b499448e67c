"""The audit chain head the hub acknowledged, checked against the log as it is now.

A hash chain cannot show that its newest rows (or all of it) were deleted: a shorter chain still
verifies. Each push bundle carries the laptop's chain head, and the hub's signed receipt for it
makes that head acknowledged (``sync.acked_audit_head``). If the log now ends before that entry,
or the entry at that number is not the one acknowledged, rows were removed or rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldapp.services.sync import state
from fieldapp.store.uow import UnitOfWork


@dataclass(frozen=True)
class AnchorCheck:
    acked_seq: int | None
    """The acknowledged head's entry number (None: never acknowledged by a hub)."""
    newest_seq: int
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_acked_head(*, uow: UnitOfWork) -> AnchorCheck:
    db = uow.dbapi()
    head = state.get_json(db, state.ACKED_AUDIT_HEAD)
    newest = db.execute("SELECT max(seq) FROM audit_log").fetchone()[0] or 0
    if not head or not head.get("seq"):
        return AnchorCheck(acked_seq=None, newest_seq=newest, problem=None)
    seq, digest = int(head["seq"]), str(head["hash"])
    if seq > newest:
        return AnchorCheck(acked_seq=seq, newest_seq=newest, problem=(
            f"the audit log ends at entry {newest}, but the station hub acknowledged entry "
            f"{seq}: the newest entries were deleted"))
    row = db.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq,)).fetchone()
    if row is None or row[0] != digest:
        return AnchorCheck(acked_seq=seq, newest_seq=newest, problem=(
            f"audit entry {seq} is not the one the station hub acknowledged: the log was "
            "rewritten"))
    return AnchorCheck(acked_seq=seq, newest_seq=newest, problem=None)
