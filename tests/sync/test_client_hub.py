"""The laptop client against the real hub: ``fieldapp-hub serve`` in a subprocess over TLS 1.3
(tests/hub/hub_process.py), laptops driven through the ``fieldapp`` CLI in subprocesses."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hub"))
from hub_process import RunningHub, running_hub  # noqa: E402

from fieldapp.store import Store  # noqa: E402
from fieldapp.vault import Vault  # noqa: E402

PASSPHRASE = "correct horse battery staple"
BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)]


def laptop(vault: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "FIELDAPP_PASSPHRASE": PASSPHRASE, "FIELDAPP_VAULT": str(vault)}
    proc = subprocess.run([sys.executable, "-m", "fieldapp", *args], capture_output=True,
                          text=True, env=env, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"fieldapp {' '.join(args)}: exit {proc.returncode}\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


def new_laptop(tmp_path: Path, name: str, role: str = "idva") -> Path:
    vault = tmp_path / name
    laptop(vault, "init", "--user", name, "--role", role)
    return vault


def enrol(hub: RunningHub, vault: Path, *, url: str | None = None, **code: str) -> str:
    args = [part for key, value in code.items() for part in (f"--{key.replace('_', '-')}", value)]
    made = hub.ok("enrol-code", *args)
    out = laptop(vault, "enrol", "--hub", url or hub.url, "--code", made.stdout.split()[-1],
                 "--ca-fingerprint", hub.ca_fingerprint)
    return out.stdout.split()[-1]  # the device fingerprint, the last word printed


@contextlib.contextmanager
def opened(vault: Path):
    v = Vault.open(vault)
    v.unlock(bytearray(PASSPHRASE.encode()))
    try:
        yield Store.open(v)
    finally:
        v.lock()


def cases_of(vault: Path) -> dict[str, tuple]:
    """Each case with what a pull must reproduce: allocation, reference, visits, voice entries."""
    with opened(vault) as store, store.uow(read_only=True) as uow:
        db = uow.dbapi()
        return {row[0]: tuple(row[1:]) for row in db.execute(
            "SELECT c.id, c.allocated_to, c.police_ref, c.victim_name, "
            " (SELECT count(*) FROM visits v WHERE v.case_id = c.id AND v.idva_visit_at IS NOT NULL),"
            " (SELECT count(*) FROM voice_entries e WHERE e.case_id = c.id),"
            " (SELECT count(*) FROM offers o JOIN visits v ON v.id = o.visit_id WHERE v.case_id = c.id)"
            " FROM cases c")}


def outbox_of(vault: Path) -> dict[str, int]:
    with opened(vault) as store, store.uow(read_only=True) as uow:
        return dict(uow.dbapi().execute("SELECT status, count(*) FROM outbox GROUP BY status"))


def tracker_export_rows(hub: RunningHub | None, vault: Path | None, out: Path) -> list[dict]:
    """The tracker v1 CSV a hub or a laptop exports, marking lines dropped, sorted by visit."""
    if hub is not None:
        hub.ok("tracker", "export", "--out", str(out), "--recipient", "Evaluation team",
               "--purpose", "quarterly review")
    else:
        laptop(vault, "tracker", "export", "--out", str(out))
    lines = [line for line in out.read_text(encoding="utf-8-sig").splitlines()
             if not line.startswith("#")]
    return sorted(csv.DictReader(io.StringIO("\n".join(lines))), key=lambda r: r["visit_id"])


@pytest.mark.parametrize("backend", BACKENDS)
def test_enrol_push_a_day_of_visits_and_pull_them_onto_laptops_in_scope(tmp_path, backend,
                                                                         sample_tracker):
    with running_hub(tmp_path, backend) as hub:
        # The coordinator's laptop makes and allocates the cases (only it may allocate).
        coordinator = new_laptop(tmp_path, "coord", "coordinator")
        device = enrol(hub, coordinator, user="Coordinator", role="coordinator",
                       staff_code="COORD1")
        devices = json.loads(hub.ok("devices", "--json").stdout)["devices"]
        assert [d["device_id"] for d in devices] == [device]  # the hub's screen shows the same id

        laptop(coordinator, "demo", "--cases", "30", "--seed", "11")  # a day (and months) of visits
        pending = outbox_of(coordinator)["pending"]
        first = json.loads(laptop(coordinator, "sync", "--json").stdout)
        assert first["ok"] and first["sent_ops"] == pending and first["refused"] == []
        assert first["new_cases"] == 0  # its own cases, confirmed by the hub
        assert outbox_of(coordinator) == {"acked": pending}
        again = json.loads(laptop(coordinator, "sync", "--json").stdout)
        assert again["sent_ops"] == 0 and again["received_cases"] == 0 and again["ok"]
        mine = cases_of(coordinator)

        idva = new_laptop(tmp_path, "idva-one")
        enrol(hub, idva, user="IDVA One", role="idva", staff_code="IDVA01", bcu="WEST")
        pulled = laptop(idva, "sync")
        ones = {k: v for k, v in mine.items() if v[0] == "IDVA01"}
        assert ones and cases_of(idva) == ones
        assert f"Received {len(ones)} new case(s) allocated to you." in pulled.stdout

        other = new_laptop(tmp_path, "idva-two")
        enrol(hub, other, user="IDVA Two", role="idva", staff_code="IDVA02", bcu="WEST")
        laptop(other, "sync", "--json")
        theirs = {k: v for k, v in mine.items() if v[0] == "IDVA02"}
        assert theirs and cases_of(other) == theirs

        # The coordinator adds the force's tracker sheet; after a sync the hub's consolidated
        # tracker and KPIs equal the coordinator's own export of the same data, and hold
        # every row the IDVA's laptop exports.
        laptop(coordinator, "tracker", "import", str(sample_tracker), check=False)
        laptop(coordinator, "sync", "--json")
        hub_rows = tracker_export_rows(hub, None, tmp_path / "hub.csv")
        coord_rows = tracker_export_rows(None, coordinator, tmp_path / "coord.csv")
        idva_rows = tracker_export_rows(None, idva, tmp_path / "idva.csv")
        assert len(hub_rows) == len(mine) + 150 and hub_rows == coord_rows
        assert idva_rows and all(row in hub_rows for row in idva_rows)
        hub_kpi = json.loads(hub.ok("report", "kpi", "--json").stdout)
        assert hub_kpi == json.loads(laptop(coordinator, "report", "kpi", "--json").stdout)
        assert hub_kpi["visits"] == len(hub_rows)
        # The hub's KPI spreadsheet: the same workbook (every sheet below its label block) as
        # the coordinator's laptop makes of the same data.
        hub_book, coord_book = tmp_path / "hub-kpi.xlsx", tmp_path / "coord-kpi.xlsx"
        hub.ok("report", "kpi", "--out", str(hub_book))
        laptop(coordinator, "report", "kpi", "--out", str(coord_book))
        assert workbook_tables(hub_book) == workbook_tables(coord_book)
        assert "Visits" in str(workbook_tables(hub_book)["Summary"])

        out = laptop(coordinator, "audit", "verify", "--json")
        report = json.loads(out.stdout)
        hub_device = [d for d in json.loads(hub.ok("devices", "--json").stdout)["devices"]
                      if d["device_id"] == device][0]
        assert report["ok"] and report["hub_acked_seq"] == hub_device["audit_head_seq"]


def test_a_lost_reply_is_retried_with_identical_bytes_and_applied_once(tmp_path):
    with running_hub(tmp_path, "sqlite") as hub:
        idva = new_laptop(tmp_path, "idva", "coordinator")  # its demo cases go to several IDVAs
        enrol(hub, idva, user="Coordinator One", role="coordinator", staff_code="COORD1")
        laptop(idva, "demo", "--cases", "8", "--seed", "4")
        pending = outbox_of(idva)["pending"]
        # The hub commits the bundle but its answer never arrives; then the connection is cut
        # part-way through the request. The client's retries send the stored bytes again.
        with hub.proxy(plan=["lost_reply", "cut_request"], fault_rate=0.0) as proxy:
            report = json.loads(laptop(idva, "sync", "--json", "--hub", proxy.url).stdout)
        assert proxy.counts["lost_reply"] == 1 and report["ok"]
        assert report["sent_bundles"] == 1 and report["sent_ops"] == pending, (report, proxy.log)
        # The retry was answered "duplicate" (the hub does so only for the same bundle id with the
        # same SHA-256 of the whole body; other bytes would be 409 bundle_id_reused) and acked.
        assert report["duplicate_ops"] == 0 and report["refused"] == []
        assert outbox_of(idva) == {"acked": pending}
        devices = json.loads(hub.ok("devices", "--json").stdout)["devices"]
        assert devices[0]["last_seq"] == 1  # one bundle, applied once


def test_revocation_at_the_hub_wipes_the_laptop_on_its_next_sync(tmp_path):
    with running_hub(tmp_path, "sqlite") as hub:
        idva = new_laptop(tmp_path, "idva", "coordinator")  # its demo cases go to several IDVAs
        device = enrol(hub, idva, user="Coordinator One", role="coordinator", staff_code="C0")
        laptop(idva, "demo", "--cases", "3")
        laptop(idva, "sync")
        hub.ok("revoke", device, "--reason", "laptop lost")
        out = laptop(idva, "sync", check=False)
    assert out.returncode == 1 and "revoked" in out.stderr and "Traceback" not in out.stderr
    assert not Vault.exists(idva) and not (idva / "fieldapp.db").exists()
    assert not list(idva.glob("fieldapp.db*"))
    laptop(idva, "init", "--user", "idva", "--role", "coordinator")  # a first-run folder again


def test_usb_transfer_through_the_hubs_bundle_import(tmp_path):
    with running_hub(tmp_path, "sqlite") as hub:
        # Two coordinators' laptops (the demo's cases are allocated to several IDVAs).
        idva = new_laptop(tmp_path, "idva", "coordinator")
        enrol(hub, idva, user="Coordinator One", role="coordinator", staff_code="C0")
        coordinator = new_laptop(tmp_path, "coord", "coordinator")
        enrol(hub, coordinator, user="Coordinator", role="coordinator", staff_code="C1")
        laptop(idva, "demo", "--cases", "6", "--seed", "2")
        usb = tmp_path / "usb"
        usb.mkdir()
        laptop(idva, "sync", "--to-file", str(usb / "idva.json"))
        hub.ok("bundle", "import", str(usb / "idva.json"), "--reply", str(usb / "idva-reply.json"))
        applied = json.loads(laptop(idva, "sync", "--from-file", str(usb / "idva-reply.json"),
                                    "--json").stdout)
        assert applied["ok"] and applied["sent_bundles"] == 1 and applied["sent_ops"] > 0
        assert set(outbox_of(idva)) == {"acked"}
        laptop(coordinator, "sync", "--to-file", str(usb / "coord.json"))
        hub.ok("bundle", "import", str(usb / "coord.json"), "--reply", str(usb / "coord-reply.json"))
        pulled = json.loads(laptop(coordinator, "sync", "--from-file",
                                   str(usb / "coord-reply.json"), "--json").stdout)
        assert pulled["received_cases"] == 6 and pulled["ok"]
        assert cases_of(coordinator) == cases_of(idva)
        # The same reply again changes nothing; a network sync afterwards has nothing to do.
        again = json.loads(laptop(coordinator, "sync", "--from-file",
                                  str(usb / "coord-reply.json"), "--json").stdout)
        assert again["received_cases"] == 0 and again["ok"]
        net = json.loads(laptop(coordinator, "sync", "--json").stdout)
        assert net["received_cases"] == 0 and not net["full_restore"] and net["ok"]


def workbook_tables(path: Path) -> dict[str, list[tuple]]:
    """Each sheet's rows from its header row on (what is above it names who made it, when)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    tables = {}
    for sheet in book.worksheets:
        rows = [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]
        start = next((i for i, row in enumerate(rows) if row and row[0] == "Measure"), 1)
        tables[sheet.title] = rows[start:]
    book.close()
    return tables
