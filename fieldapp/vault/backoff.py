"""Exponential back-off after wrong passphrases, kept in the slot file so a restart resets nothing.

This slows someone guessing at the keyboard of an unlocked-session laptop (1, 2, 4 ... 60 s);
it is no defence against an offline attacker with a copy of the files, who is slowed only by
Argon2id. That is also why the back-off fields are deliberately outside every slot's AAD: they
must be writable without the key. Wall-clock time is used because the monotonic clock restarts
with the machine; a clock wound back cannot extend the wait beyond :data:`MAX_WAIT_SECONDS`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from fieldapp.vault.errors import VaultTampered

__all__ = ["MAX_WAIT_SECONDS", "Backoff", "now"]

MAX_WAIT_SECONDS = 60.0


def now() -> float:
    """Wall-clock seconds; tests replace this module attribute to move time."""
    return time.time()


@dataclass(frozen=True)
class Backoff:
    """Failures since the last success and the earliest time the next attempt is allowed."""

    failures: int = 0
    next_allowed_at: float = 0.0

    @classmethod
    def from_json(cls, obj: object) -> Backoff:
        if not isinstance(obj, dict) or set(obj) != {"failures", "next_allowed_at"}:
            raise VaultTampered("The key slot file's back-off record is malformed.")
        failures, next_at = obj["failures"], obj["next_allowed_at"]
        if not isinstance(failures, int) or isinstance(failures, bool) or failures < 0:
            raise VaultTampered("The key slot file's back-off record is malformed.")
        if not isinstance(next_at, int | float) or isinstance(next_at, bool) or next_at < 0:
            raise VaultTampered("The key slot file's back-off record is malformed.")
        return cls(failures=failures, next_allowed_at=float(next_at))

    def to_json(self) -> dict[str, Any]:
        return {"failures": self.failures, "next_allowed_at": round(self.next_allowed_at, 3)}

    def remaining(self, at: float) -> float:
        """Seconds still to wait at time ``at``: 0 when free, never more than the cap."""
        return max(0.0, min(self.next_allowed_at - at, MAX_WAIT_SECONDS))

    def after_failure(self, at: float) -> Backoff:
        """The state after one more wrong passphrase at time ``at``."""
        failures = self.failures + 1
        wait = min(MAX_WAIT_SECONDS, 2.0 ** min(failures - 1, 16))
        return Backoff(failures=failures, next_allowed_at=at + wait)

    def wait_after_failure(self) -> float:
        """The wait a just-recorded failure imposes (1, 2, 4 ... 60 s)."""
        return min(MAX_WAIT_SECONDS, 2.0 ** min(max(self.failures - 1, 0), 16))
