"""``fieldapp case allocate`` and ``fieldapp conflicts`` through the CLI's own entry point
(``fieldapp.cli.main.main``, in-process: its parsing, messages and exit statuses per
spec/cli.md) on real vaults; resolving through the CLI in a subprocess is in test_t15."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest

from fieldapp.cli import main as cli
from fieldapp.domain import records as r
from fieldapp.services import capture
from fieldapp.services.sync import state
from fieldapp.store import Store
from fieldapp.vault import Vault

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _process_left_as_it_was(monkeypatch):
    """main() hardens the process it runs in (core limit 0 for good, umask 077, not dumpable)
    and installs log handlers; in-process, that would outlive this test in the pytest worker
    (the hardening tests' control child then inherits a hard core limit of 0). Hardening itself
    is tested in subprocesses (tests/foundation/test_process_hardening.py)."""
    monkeypatch.setattr(cli, "harden_process", lambda: None)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


@pytest.fixture
def vaults(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", PASSPHRASE)

    def make(name: str, role: str, *, enrolled_as: str | None = None):  # noqa: ANN202
        folder = tmp_path / name
        vault = Vault.create(folder, passphrase=bytearray(PASSPHRASE.encode()), user=name,
                             role=role)
        store = Store.open(vault)
        with store.uow() as uow:
            capture.create_incident(uow=uow, incident=r.IncidentIn(
                police_ref="LC-42", bcu="WEST", district="WYRE", allocated_to="",
                police_visit_at=datetime(2026, 11, 30, 9, tzinfo=UTC)))
            if enrolled_as:
                state.put(uow.dbapi(), state.ROLE, enrolled_as)
            uow.commit()
        vault.lock()
        return folder

    return make


def _run(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_case_allocate_by_reference_on_a_coordinators_laptop(vaults, capsys):
    folder = vaults("coord", "coordinator", enrolled_as="coordinator")
    status, out, _ = _run(capsys, "--vault", str(folder), "case", "allocate", "LC-42",
                          "--to", "idva07")
    assert status == 0 and "allocated to IDVA07" in out and "next sync" in out


def test_case_allocate_refusals_exit_1_or_2_with_words(vaults, capsys):
    idva = vaults("idva", "idva", enrolled_as="idva")
    status, _, err = _run(capsys, "--vault", str(idva), "case", "allocate", "LC-42", "--to",
                          "IDVA02")
    assert status == 1 and "only a coordinator's laptop can allocate" in err
    coord = vaults("coord", "coordinator")  # not enrolled: the vault's own role counts
    status, _, err = _run(capsys, "--vault", str(coord), "case", "allocate", "LC-404", "--to",
                          "IDVA02")
    assert status == 1 and "no single case matches" in err
    with pytest.raises(SystemExit) as usage:
        cli.main(["--vault", str(coord), "case", "allocate", "LC-42"])
    assert usage.value.code == 2 and "--to" in capsys.readouterr().err


def test_conflicts_lists_none_and_resolve_of_an_unknown_one_is_refused(vaults, capsys):
    folder = vaults("idva", "idva", enrolled_as="idva")
    status, out, _ = _run(capsys, "--vault", str(folder), "conflicts", "--json")
    assert status == 0 and json.loads(out) == {"conflicts": []}
    status, _, err = _run(capsys, "--vault", str(folder), "conflicts", "resolve", "nope",
                          "--keep", "0", "--reason", "because")
    assert status == 1 and "no open conflict with that id" in err
    status, _, err = _run(capsys, "--vault", str(folder), "conflicts", "resolve", "nope",
                          "--keep", "0", "--reason", " ")
    assert status == 2 and "--reason" in err
