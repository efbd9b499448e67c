"""Hub fixtures: real ``fieldapp-hub`` processes on SQLite and PostgreSQL (see hub_process.py).

- ``hub_sqlite`` / ``hub_postgres``: a serving hub (TLS, 127.0.0.1, a free port) on one backend;
  ``hub``: the same, once per backend.
- ``made_hub_sqlite`` / ``made_hub``: a hub after ``fieldapp-hub init`` only (no server), for
  command-line tests.

PostgreSQL tests are marked ``postgres``; a missing server skips them, or fails them under
``CI=true``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hub_process import BACKENDS, InitialisedHub, RunningHub, initialised_hub, running_hub

_BACKEND_PARAMS = [pytest.param(b, marks=[pytest.mark.postgres] if b == "postgres" else [], id=b)
                   for b in BACKENDS]


@pytest.fixture
def hub_sqlite(tmp_path) -> Iterator[RunningHub]:
    with running_hub(tmp_path, "sqlite") as hub:
        yield hub


@pytest.fixture
def hub_postgres(tmp_path) -> Iterator[RunningHub]:
    with running_hub(tmp_path, "postgres") as hub:
        yield hub


@pytest.fixture(params=_BACKEND_PARAMS)
def hub(request, tmp_path) -> Iterator[RunningHub]:
    with running_hub(tmp_path, request.param) as running:
        yield running


@pytest.fixture
def made_hub_sqlite(tmp_path) -> Iterator[InitialisedHub]:
    with initialised_hub(tmp_path, "sqlite") as made:
        yield made


@pytest.fixture(params=_BACKEND_PARAMS)
def made_hub(request, tmp_path) -> Iterator[InitialisedHub]:
    with initialised_hub(tmp_path, request.param) as made:
        yield made


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "hub_postgres" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
