from __future__ import annotations

import os
from pathlib import Path

import pytest

from fieldapp.store import Store, schema
from fieldapp.store.engine import open_engine


def make_store(path: Path, key_hex: str | None = None, actor: str = "tester") -> Store:
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
