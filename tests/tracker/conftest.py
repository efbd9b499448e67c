"""Shared helpers for the tracker tests: where the shared spec data lives, and row builders."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tracker_helpers import make_row

from fieldapp.tracker import TrackerRow


def shared_dir() -> Path:
    """The `shared` folder beside the repository root (spec and sample data)."""
    return Path(__file__).resolve().parents[2].parent / "shared"


@pytest.fixture(scope="session")
def sample_csv() -> Path:
    return shared_dir() / "data" / "sample-tracker.csv"


@pytest.fixture(scope="session")
def expected_kpis() -> dict[str, Any]:
    return json.loads((shared_dir() / "data" / "sample-tracker.expected.json").read_text("utf-8"))


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
