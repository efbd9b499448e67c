"""Many laptops at once against real ``fieldapp-hub serve`` processes (bench/sync_load.py).

Simulated laptops (real keys, sealing, signing, the laptop's HTTPS client and page checks; no
vault) live a day at the same time: new cases with visits, offers, risk and voice entries, then
edits of the same cases by the IDVA and the team's supervisor, some of them through the fault
proxy. Afterwards every op the laptops sealed is on the hub exactly once, each laptop's bundles
are received 1..n with one receipt each, the pages each laptop pulled chain without a gap, and
what each laptop holds is the hub's view of its scope (same cases, revs and op ids).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hub_process import RunningHub, initialised_hub, running_hub, start_hub

from bench import sync_load
from sync.hub import config as hub_config
from sync.hub import keys as hub_keys
from sync.hub.store.db import Database

BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)]
FAULTY_EVERY = 10
"""Every tenth laptop syncs through the fault proxy."""


@contextlib.contextmanager
def hub_database(hub: RunningHub) -> Iterator[tuple[Database, hub_keys.HubKeys]]:
    config = hub_config.load(hub.data_dir)
    db = Database(hub_config.database_url(config, hub.data_dir))
    try:
        yield db, hub_keys.load(hub.data_dir)
    finally:
        db.dispose()


def assert_clean(figures: dict) -> None:
    assert sync_load.must_be_zero(figures) == {}, figures
    assert figures["ops_stored"] == figures["ops_sealed"] > 0
    assert figures["shared_cases_edited"] > 0, figures  # the same cases edited by two devices
    assert figures["cases_held"] > 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_fifty_laptops_at_once_some_through_a_faulty_link(tmp_path: Path, backend: str) -> None:
    fleet = sync_load.make_fleet(50, marker="Zq")
    with running_hub(tmp_path, backend) as hub, \
            hub.proxy(seed=7, fault_rate=0.3, max_faults=12, max_delay=0.2) as proxy, \
            hub_database(hub) as (db, keys):
        sync_load.enrol_fleet(fleet, db, ca_pem=hub.ca_pem, enrol_url=hub.url, urls=lambda i: [
            proxy.url if i % FAULTY_EVERY == 3 else hub.url])
        sync_load.run_day(fleet, cases=2)
        figures = sync_load.verify(fleet, db, keys)
        faults = dict(proxy.counts)
        for lap in fleet.laptops:
            lap.close()
        status = json.loads(hub.ok("status", "--json").stdout)
    print(figures, faults)
    assert_clean(figures)
    assert figures["laptops"] == 50 and figures["bundles"] >= 50
    assert sum(v for k, v in faults.items() if k != "pass") > 0, faults
    # fieldapp-hub status: every device, its last sync and the cursor the hub last handed it.
    assert status["devices"]["active"] == 50 and status["ops"] == figures["ops_stored"]
    assert status["quarantined_ops"] == figures["quarantined"] and status["database_bytes"] > 0
    shown = {d["device_id"]: d for d in status["last_syncs"]}
    assert {lap.device_id: (shown[lap.device_id]["last_cursor"], shown[lap.device_id]["last_seq"])
            for lap in fleet.laptops} == {lap.device_id: (lap.cursor, len(lap.sent))
                                          for lap in fleet.laptops}
    assert all(d["last_seen"] for d in status["last_syncs"])
    # The hub's log lines (stderr and logs/hub.log) hold none of the names and numbers pushed.
    logs = hub.logs() + (hub.data_dir / "logs" / "hub.log").read_text(encoding="utf-8")
    assert '"event":"request"' in logs.replace(" ", "")
    personal = [p for lap in fleet.laptops for p in lap.personal]
    assert personal and [p for p in personal if p in logs] == []


@pytest.mark.postgres
def test_twenty_laptops_split_across_two_hub_processes_on_one_postgres(tmp_path: Path) -> None:
    fleet = sync_load.make_fleet(20, marker="Zr")
    with initialised_hub(tmp_path, "postgres") as made:
        first, second = start_hub(made), start_hub(made)
        try:
            assert first.port != second.port
            with hub_database(first) as (db, keys):
                sync_load.enrol_fleet(fleet, db, ca_pem=first.ca_pem, urls=lambda i: [
                    (first, second)[i % 2].url, (second, first)[i % 2].url])
                sync_load.run_day(fleet, cases=2)
                figures = sync_load.verify(fleet, db, keys)
            for lap in fleet.laptops:
                lap.close()
        finally:
            codes = (first.stop(), second.stop())
    assert codes == (0, 0)
    print(figures)
    assert_clean(figures)
    assert figures["retried_syncs"] == 0  # both processes served their half throughout
    served = [h.logs().count('"event":"request"') for h in (first, second)]
    assert min(served) > 40, served  # each process served its half of the laptops
