"""Suite-wide settings: fast (floor-cost) Argon2id, private settings folders, no real user data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fieldapp.store import Store, schema
from fieldapp.store.engine import open_engine

os.environ.setdefault("FIELDAPP_TEST_FAST_KDF", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("FIELDAPP_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config-xdg"))
    monkeypatch.delenv("FIELDAPP_VAULT", raising=False)
    monkeypatch.delenv("FIELDAPP_PASSPHRASE", raising=False)


@pytest.fixture
def shared_dir() -> Path:
    """The read-only ``shared`` folder that sits beside the project root."""
    shared = Path(__file__).resolve().parents[2] / "shared"
    if not (shared / "data" / "sample-tracker.csv").is_file():
        pytest.fail(f"the shared folder is missing beside the project ({shared}); the sample "
                    "tracker tests need ../shared/data")
    return shared


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
