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
    new_cases: int = 0
    """Of those, cases this laptop did not hold before (for an IDVA: newly allocated to them)."""
    changed_cases: int = 0
    """Of those, cases it held whose newest change was made on another device."""
    open_conflicts: int = 0
    """Conflicts of safety-critical fields open on this laptop's cases after the sync."""
    clock_ahead_minutes: int | None = None
    """How far ahead of the hub's clock the quarantined changes were stamped."""
    role: str = ""
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
                     "received_cases", "removed_cases", "new_cases", "changed_cases"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.open_conflicts = other.open_conflicts or self.open_conflicts
        self.role = other.role or self.role
        if other.clock_ahead_minutes:
            self.clock_ahead_minutes = max(self.clock_ahead_minutes or 0, other.clock_ahead_minutes)
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
                "new_cases": self.new_cases, "changed_cases": self.changed_cases,
                "open_conflicts": self.open_conflicts, "quarantined": len(self.quarantined_ops),
                "refused": len(self.refused), "waiting_bundles": self.waiting_bundles}

    def _received_words(self) -> str:
        restore = " (a full restore of this laptop's cases)" if self.full_restore else ""
        parts = []
        if self.new_cases:
            whose = "allocated to you" if self.role == "idva" else "from the hub"
            parts.append(f"{self.new_cases} new case(s) {whose}")
        if self.changed_cases:
            parts.append(f"{self.changed_cases} case(s) changed on another device")
        if self.removed_cases:
            parts.append(f"{self.removed_cases} case(s) removed: no longer allocated to you")
        if not parts:
            echoed = (f" ({self.received_cases} of your own case(s) confirmed by the hub)"
                      if self.received_cases else "")
            return f"No new or changed cases from the hub{echoed}{restore}."
        return "Received " + "; ".join(parts) + restore + "."

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
            ahead = (f"this laptop's clock is about {self.clock_ahead_minutes} minutes ahead of "
                     "the hub's" if self.clock_ahead_minutes else "they are dated ahead of the "
                     "hub's clock")
            lines.append(f"{len(self.quarantined_ops)} change(s) were held back by the hub for "
                         f"review: {ahead}. Set this laptop's date and time correctly (or ask IT "
                         "to), then sync again; the coordinator reviews the held changes.")
        if self.conflicts:
            lines.append(f"{self.conflicts} of your change(s) conflict with another device's "
                         "change to a safety field: both values are kept.")
        lines.append(self._received_words())
        if self.open_conflicts:
            lines.append(f"{self.open_conflicts} conflict(s) of safety fields wait for a person to "
                         "choose (the restrictive value is in force until then): open Conflicts, "
                         "or run 'fieldapp conflicts'.")
        if self.deferred_cases:
            lines.append(f"{self.deferred_cases} case(s) changed at the hub are kept as they are "
                         "here until your own change to them is receipted; sync again.")
        for refusal in self.refused:
            lines.append(f"Refused ({refusal.what}): {refusal.reason}")
        if self.clock_warning:
            lines.append(f"Warning: {self.clock_warning}")
        return lines
