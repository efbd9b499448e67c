"""Demonstration data is marked by its police reference: every one starts with ``DEMO-``.

The prefix is the mark every output already carries (the board, the tracker's
``police_incident_ref``, each PDF's reference), and what ``fieldapp demo --remove`` removes by.
"""

from __future__ import annotations

DEMO_PREFIX = "DEMO-"
DEMO_LABEL = "Demonstration case (fictional)"


def is_demo_ref(police_ref: str) -> bool:
    """Whether a police reference is a demonstration case's (case-sensitive, as written)."""
    return police_ref.startswith(DEMO_PREFIX)
