"""Suite-wide settings: fast (floor-cost) Argon2id, private settings folders, no real user data,
the sample tracker in ``tests/data``, and, under ``CI=true``, no skips (a test that cannot run
fails with its reason)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from sample_data import SAMPLE_TRACKER, expected_kpis

from fieldapp.store import Store, schema
from fieldapp.store.engine import open_engine

os.environ.setdefault("FIELDAPP_TEST_FAST_KDF", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PASSPHRASE = "correct horse battery staple"

pytest_plugins = ["pytester"]  # tests/meta/test_ci_strict.py runs pytest on a throwaway suite


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("FIELDAPP_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config-xdg"))
    monkeypatch.delenv("FIELDAPP_VAULT", raising=False)
    monkeypatch.delenv("FIELDAPP_PASSPHRASE", raising=False)


@pytest.fixture(scope="session")
def sample_tracker() -> Path:
    """The sample tracker CSV (156 rows: 150 valid, 6 to reject)."""
    return SAMPLE_TRACKER


@pytest.fixture(scope="session")
def sample_expected() -> dict[str, Any]:
    """The KPIs the spec expects from the sample, as ``fieldapp report kpi --json`` prints them."""
    return expected_kpis()


# ------------------------------------------------------------------ CI=true: skips are failures
def _strict() -> bool:
    return os.environ.get("CI") == "true"


def _skip_reason(report: pytest.CollectReport | pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return reason.removeprefix("Skipped: ")


def _fail_instead_of_skip(report: pytest.CollectReport | pytest.TestReport) -> None:
    if _strict() and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = (f"skipped under CI=true, which does not allow skips: "
                           f"{_skip_reason(report)}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """pytest.skip, skipif and importorskip in a test, a fixture or a mark fail under CI=true."""
    report = yield
    _fail_instead_of_skip(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    """A module that skips itself (module-level importorskip or skip) fails under CI=true."""
    report = yield
    _fail_instead_of_skip(report)
    return report


def make_store(path: Path, key_hex: str | None = None, actor: str = "tester") -> Store:
    """A real SQLCipher store at ``path`` with a random key, migrated to head (no vault)."""
    key_hex = key_hex or os.urandom(32).hex()
    engine = open_engine(path, key_hex)
    schema.upgrade(engine, db_path=path)
    return Store(engine, db_path=path, actor=actor)


@pytest.fixture
def store_factory():
    return make_store


@pytest.fixture
def store(tmp_path: Path):
    s = make_store(tmp_path / "fieldapp.db")
    yield s
    s.close()
