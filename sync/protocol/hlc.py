"""Hybrid logical clock readings as they travel: ``<wall ms, 15 digits>-<counter, 5>-<node>``.

The laptop's outbox writes this form (fixed width, so string order is clock order, ties broken by
the node). The hub checks the physical part against its own time: an operation stamped more than
:data:`MAX_AHEAD_MS` ahead is quarantined, not applied, so a fast clock cannot win every
last-writer-wins contest; a device whose clock is off by more than that is told so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_AHEAD_MS = 5 * 60 * 1000
MAX_SKEW_MS = 5 * 60 * 1000
_FORM = re.compile(r"^(\d{15})-(\d{5})-([0-9A-Za-z]{1,40})$")


@dataclass(frozen=True, order=True)
class Hlc:
    wall_ms: int
    counter: int
    node: str

    def encode(self) -> str:
        return f"{self.wall_ms:015d}-{self.counter:05d}-{self.node}"

    @classmethod
    def parse(cls, text: str) -> Hlc:
        match = _FORM.match(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError("not a clock reading")
        return cls(int(match[1]), int(match[2]), match[3])


def is_valid(text: str) -> bool:
    return isinstance(text, str) and _FORM.match(text) is not None


def too_far_ahead(text: str, *, hub_ms: int) -> bool:
    """True when the reading's physical time is more than 5 minutes past the hub's clock."""
    return Hlc.parse(text).wall_ms > hub_ms + MAX_AHEAD_MS


def receive(local: Hlc | None, remote_wall_ms: int, *, now_ms: int, node: str) -> Hlc:
    """The HLC receive rule (Kulkarni et al.): the next local reading after seeing a remote time."""
    last_wall = local.wall_ms if local else 0
    last_counter = local.counter if local else 0
    wall = max(last_wall, remote_wall_ms, now_ms)
    if wall == last_wall and wall == remote_wall_ms:
        counter = last_counter + 1
    elif wall == last_wall:
        counter = last_counter + 1
    else:
        counter = 0
    return Hlc(wall, counter, node)


def skew_words(device_ms: int, hub_ms: int) -> str | None:
    """A sentence for the person when the laptop's clock is more than 5 minutes off, else None."""
    delta = device_ms - hub_ms
    if abs(delta) <= MAX_SKEW_MS:
        return None
    minutes = round(abs(delta) / 60000)
    way = "ahead of" if delta > 0 else "behind"
    return (f"This laptop's clock is about {minutes} minutes {way} the station hub's. "
            "Set the date and time correctly (or ask IT to), then sync again.")
