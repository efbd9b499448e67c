"""Real hub + real vaults for the sync UI tests: ``fieldapp-hub serve`` in a subprocess with TLS
on loopback (tests/hub/hub_process.py), laptops enrolled in-process through the enrol service
with codes the hub's own CLI made."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PASSPHRASE, open_context

from fieldapp.services.sync import enrol as enrol_service
from fieldapp.ui.context import AppContext
from fieldapp.vault import Vault

sys.path.append(str(Path(__file__).resolve().parents[1] / "hub"))  # after tests/ui: its conftest first
from hub_process import RunningHub, initialised_hub, running_hub, start_hub  # noqa: E402

__all__ = ["RunningHub", "enrol", "hub_fixture", "small_hub_fixture", "window_sync", "laptop", "outbox", "running_hub",
           "small_bundle_hub"]


def laptop(folder: Path, *, user: str, role: str) -> AppContext:
    vault = Vault.create(folder, passphrase=bytearray(PASSPHRASE.encode()), user=user, role=role)
    return open_context(vault)


def enrol(hub: RunningHub, context: AppContext, **code: str) -> str:
    """Enrol ``context``'s vault with a code made by ``fieldapp-hub enrol-code``; its device id."""
    args = [part for key, value in code.items() for part in (f"--{key.replace('_', '-')}", value)]
    made = hub.ok("enrol-code", *args)
    done = enrol_service.enrol(store=context.store, hub_url=hub.url, code=made.stdout.split()[-1],
                               ca_fingerprint=hub.ca_fingerprint)
    return done.device_id


def outbox(context: AppContext) -> dict[str, int]:
    with context.store.uow(read_only=True) as uow:
        return dict(uow.dbapi().execute("SELECT status, count(*) FROM outbox GROUP BY status"))


@pytest.fixture(name="hub")
def hub_fixture(tmp_path: Path) -> Iterator[RunningHub]:
    """A serving hub on SQLite (import ``hub_fixture`` into the test module to use ``hub``)."""
    with running_hub(tmp_path, "sqlite") as running:
        yield running


def small_bundle_hub(tmp_path: Path, max_bytes: int = 4096):  # noqa: ANN201 - a context manager
    """A hub whose bundle limit is the smallest allowed, so a day's changes take many bundles
    (many requests, so a sync can be stopped part-way)."""
    import contextlib

    @contextlib.contextmanager
    def run() -> Iterator[RunningHub]:
        with initialised_hub(tmp_path, "sqlite") as made:
            config = made.data_dir / "hub.json"
            settings = json.loads(config.read_text(encoding="utf-8"))
            settings["max_bundle_bytes"] = max_bytes
            config.write_text(json.dumps(settings), encoding="utf-8")
            running = start_hub(made)
            try:
                yield running
            finally:
                assert running.stop() == 0, running.logs()

    return run()


def window_sync(qtbot, window):  # noqa: ANN001, ANN201 - MainWindow -> SyncReport
    """Sync from the window's Sync action and wait for the outcome; fail with the words shown
    if it failed."""
    controller, outcome = window.sync.controller, []
    qtbot.waitUntil(lambda: controller.enrolled, timeout=10_000)  # the state is read first
    controller.sync_finished.connect(lambda report: outcome.append(("finished", report)))
    controller.sync_failed.connect(lambda words: outcome.append(("failed", words)))
    window.sync.sync_action.trigger()
    qtbot.waitUntil(lambda: bool(outcome), timeout=60_000)
    assert outcome[0][0] == "finished", outcome
    return outcome[0][1]


@pytest.fixture(scope="module", name="small_hub")
def small_hub_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningHub]:
    """One small-bundle hub for every test of a module (starting a hub takes seconds)."""
    with small_bundle_hub(tmp_path_factory.mktemp("small-hub")) as running:
        yield running
