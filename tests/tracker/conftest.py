"""Helpers for the tracker tests: the sample tracker (tests/data, via the suite's fixtures) and
row builders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tracker_helpers import make_row

from fieldapp.tracker import TrackerRow


@pytest.fixture(scope="session")
def sample_csv(sample_tracker: Path) -> Path:
    return sample_tracker


@pytest.fixture(scope="session")
def expected_kpis(sample_expected: dict[str, Any]) -> dict[str, Any]:
    return sample_expected


@pytest.fixture
def row_factory() -> Callable[..., TrackerRow]:
    return make_row


@pytest.fixture
def write_csv_text(tmp_path: Path) -> Callable[..., Path]:
    """Write CSV text exactly as given (no newline translation) and return its path."""

    def write(text: str, name: str = "tracker.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write
