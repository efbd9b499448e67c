"""Where the suite's sample data lives: ``tests/data``, inside the repository.

The tracker v1 spec's sample and the KPIs it expects (see ``tests/data/README.md``). Tests use
the ``sample_tracker`` and ``sample_expected`` fixtures (tests/conftest.py), or these constants
where a fixture cannot reach (module-level parametrisation). No test builds a path of its own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
SAMPLE_TRACKER = DATA / "sample-tracker.csv"
SAMPLE_EXPECTED = DATA / "sample-tracker.expected.json"


def expected_kpis() -> dict[str, Any]:
    """The expected KPIs, as ``fieldapp report kpi --json`` prints them (a fresh dict each call)."""
    return json.loads(SAMPLE_EXPECTED.read_text(encoding="utf-8"))
