"""What a sync did, for the CLI (words or ``--json``) and the GUI's status line."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Refusal(BaseModel):
    """Something that was not sent or not applied, and why (no case data in ``reason``)."""

    model_config = ConfigDict(frozen=True)
    what: str
    """'bundle', 'operation', 'case', 'page' or 'scope'."""
    code: str
    reason: str
    ref: str = ""
    """The bundle or case id it concerns, when there is one."""


class SyncReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_id: str = ""
    sealed_bundles: int = 0
    """Bundles sealed from pending operations by this run."""
    sent_bundles: int = 0
    """Bundles the hub receipted in this run (applied or duplicate)."""
    sent_ops: int = 0
    """Operations in those bundles."""
    duplicate_ops: int = 0
    quarantined_ops: list[str] = Field(default_factory=list)
    """Operation ids the hub stored but held back (stamped too far ahead of its clock)."""
    conflicts: int = 0
    waiting_bundles: int = 0
    """Sealed bundles not yet receipted (sent next time)."""
    received_cases: int = 0
    removed_cases: int = 0
    deferred_cases: int = 0
    """Cases changed at the hub but kept as they are here until this laptop's own change to
    them is receipted (asked for again on the next sync)."""
    full_restore: bool = False
    refused: list[Refusal] = Field(default_factory=list)
    clock_warning: str | None = None
    hub_time: int | None = None

    @property
    def ok(self) -> bool:
        return not self.refused

    def merge(self, other: SyncReport) -> None:
        """Add ``other``'s counts to this one (for a run made of several steps)."""
        for name in ("sealed_bundles", "sent_bundles", "sent_ops", "duplicate_ops", "conflicts",
                     "received_cases", "removed_cases"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.quarantined_ops.extend(other.quarantined_ops)
        self.refused.extend(other.refused)
        self.waiting_bundles = other.waiting_bundles or self.waiting_bundles
        self.deferred_cases = other.deferred_cases or self.deferred_cases
        self.full_restore = self.full_restore or other.full_restore
        self.clock_warning = other.clock_warning or self.clock_warning
        self.hub_time = other.hub_time or self.hub_time
        self.device_id = self.device_id or other.device_id

    def summary(self) -> dict[str, object]:
        """The short form kept in ``meta`` as the last outcome."""
        return {"ok": self.ok, "sent_bundles": self.sent_bundles, "sent_ops": self.sent_ops,
                "received_cases": self.received_cases, "removed_cases": self.removed_cases,
                "refused": len(self.refused), "waiting_bundles": self.waiting_bundles}

    def words(self) -> list[str]:
        """Lines for a person."""
        lines = []
        if self.sent_ops or self.duplicate_ops:
            lines.append(f"Sent {self.sent_ops} change(s) in {self.sent_bundles} bundle(s)"
                         + (f" ({self.duplicate_ops} already at the hub)" if self.duplicate_ops
                            else "") + ".")
        else:
            lines.append("Nothing new to send.")
        if self.waiting_bundles:
            lines.append(f"{self.waiting_bundles} sealed bundle(s) still wait for the hub's "
                         "receipt; they are sent again next time (nothing is lost).")
        if self.quarantined_ops:
            lines.append(f"{len(self.quarantined_ops)} change(s) were held back by the hub for "
                         "review: they are dated ahead of the hub's clock.")
        if self.conflicts:
            lines.append(f"{self.conflicts} conflict(s) to resolve at the station.")
        restore = " (a full restore of this laptop's cases)" if self.full_restore else ""
        lines.append(f"Received {self.received_cases} case(s){restore}"
                     + (f"; removed {self.removed_cases} no longer allocated to you"
                        if self.removed_cases else "") + ".")
        if self.deferred_cases:
            lines.append(f"{self.deferred_cases} case(s) changed at the hub are kept as they are "
                         "here until your own change to them is receipted; sync again.")
        for refusal in self.refused:
            lines.append(f"Refused ({refusal.what}): {refusal.reason}")
        if self.clock_warning:
            lines.append(f"Warning: {self.clock_warning}")
        return lines
