"""Plain helpers for the tracker tests (a uniquely named module: test folders share sys.path)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fieldapp.tracker import TrackerRow

LONDON = ZoneInfo("Europe/London")


def london(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=LONDON, fold=fold)  # type: ignore[misc]


def make_row(**overrides: Any) -> TrackerRow:
    values: dict[str, Any] = {
        "visit_id": uuid.uuid4(),
        "police_incident_ref": "LC-20221029-01838",
        "bcu": "WEST",
        "police_visit_at": london(2022, 10, 29, 19, 45),
        "idva_visit_at": london(2022, 10, 30, 9, 15),
        "idva_support": "ACCEPTED",
        "prosecution_support": "DECLINED",
    }
    values.update(overrides)
    return TrackerRow.model_validate(values)
