"""The hub's long reliability checks for ``make reliability`` (bench/reliability.py).

- ``load_with_faults``: 200 simulated laptops (bench/sync_load.py) live a day at once against two
  ``fieldapp-hub serve`` processes on one PostgreSQL database, every fifth laptop through the
  fault proxy; during the edit round one hub process is killed with SIGKILL (its laptops move to
  the other address they know; it is restarted on its port afterwards) and every hub connection
  is terminated with ``pg_terminate_backend`` a few times. The same day on SQLite with one hub
  process that is killed and restarted on its port while the laptops keep trying.
- ``fault_seeds``: tests/sync/test_client_hub_faults.py with 100 seeds of the fault proxy
  between a real laptop (vault, CLI) and the hub.
- ``fuzz``: 1,000+ schemathesis requests against each backend (bench/hub_fuzz.py), with the
  database compared before and after and the hub still serving a laptop.

Every ``*_must_be_zero`` figure must be 0.
"""


from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SUMMARY = (
    "Simulated laptops (bench/sync_laptop.py: real keys, sealing, signing, the laptop's HTTPS "
    "client and page checks; no vault) live a day at once (bench/sync_load.py: new cases with "
    "visits, offers, risk, voice entries and safe contacts; then the IDVAs and the coordinator "
    "edit the same cases; then a last sync), every fifth laptop through the fault proxy. On "
    "PostgreSQL two `fieldapp-hub serve` processes share one database and the laptops are split "
    "between them; during the edit round one process is killed with SIGKILL (its laptops move to "
    "the other address they know; it is restarted on its port afterwards) and every hub "
    "connection is terminated with `pg_terminate_backend` four times (requests in flight are "
    "answered 503 and retried). On SQLite the one hub process is killed and restarted on its "
    "port while the laptops keep trying. Afterwards every op sealed is on the hub exactly once, "
    "every laptop's bundles were received 1..n with a receipt accounting for each op, the pages "
    "each laptop pulled chained without a gap, and each laptop holds the hub's view of its scope.")
ROOT = Path(__file__).resolve().parents[1]
_HUB_TESTS = str(ROOT / "tests" / "hub")
if _HUB_TESTS not in sys.path:
    sys.path.insert(0, _HUB_TESTS)

from hub_process import initialised_hub, start_hub  # noqa: E402

from bench import hub_fuzz, sync_load  # noqa: E402
from bench.sync_laptop import Plan, SimLaptop  # noqa: E402
from sync.hub import config as hub_config  # noqa: E402
from sync.hub import keys as hub_keys  # noqa: E402
from sync.hub.store.db import Database  # noqa: E402


@contextlib.contextmanager
def _database(made: Any) -> Iterator[tuple[Database, hub_keys.HubKeys]]:
    db = Database(hub_config.database_url(hub_config.load(made.data_dir), made.data_dir))
    try:
        yield db, hub_keys.load(made.data_dir)
    finally:
        db.dispose()


def terminate_backends(db_name: str) -> int:
    """``pg_terminate_backend`` of every other connection to ``db_name``; how many."""
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres",
                         autocommit=True) as admin:
        rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = %s AND pid <> pg_backend_pid()",
                             (db_name,)).fetchall()
    return sum(1 for (done,) in rows if done)


class _Later(threading.Thread):
    """Runs ``action`` after ``delay`` seconds unless cancelled."""

    def __init__(self, delay: float, action: Any) -> None:
        super().__init__(daemon=True)
        self.delay, self.action = delay, action
        self.cancelled = threading.Event()
        self.result: Any = None

    def run(self) -> None:
        if not self.cancelled.wait(self.delay):
            self.result = self.action()


def _postgres_run(work: Path, laptops: int, kill_after: float) -> dict[str, Any]:
    fleet = sync_load.make_fleet(laptops, marker="Rz", seed=1)
    faults: dict[str, Any] = {"sigkill": 0, "restarts": 0, "backends_terminated": 0,
                              "terminations": 0}
    with initialised_hub(work, "postgres") as made:
        hubs = [start_hub(made), start_hub(made)]
        proxy = hubs[0].proxy(seed=11, fault_rate=0.3, max_faults=60, max_delay=0.3,
                              duration=600)
        proxy.__enter__()
        try:
            with _database(made) as (db, keys):
                name = db.url.database

                def urls(i: int) -> list[str]:
                    if i % 5 == 2:
                        return [proxy.url, hubs[1].url]
                    return [hubs[i % 2].url, hubs[(i + 1) % 2].url]

                sync_load.enrol_fleet(fleet, db, ca_pem=made.ca_pem, urls=urls,
                                      enrol_url=hubs[1].url)
                pending: list[_Later] = []

                def kill() -> None:
                    hubs[1].process.kill()  # SIGKILL, mid-round
                    faults["sigkill"] += 1

                def terminate() -> None:
                    faults["backends_terminated"] += terminate_backends(name)
                    faults["terminations"] += 1

                def between(round_name: str) -> None:
                    if round_name == "record":  # the edit round is next: faults during it
                        pending.extend([_Later(kill_after, kill)] + [
                            _Later(kill_after * k / 2, terminate) for k in range(1, 5)])
                        for t in pending:
                            t.start()
                    if round_name == "edit":
                        for t in pending:
                            t.cancelled.set()
                            t.join()
                        port = hubs[1].port
                        hubs[1].process.wait(10)
                        hubs[1] = start_hub(made, port=port)  # back on the address laptops know
                        faults["restarts"] += 1

                started = time.perf_counter()
                sync_load.run_day(fleet, cases=2, between=between)
                seconds = time.perf_counter() - started
                figures = sync_load.verify(fleet, db, keys)
        finally:
            faults["proxy"] = dict(proxy.counts)
            proxy.__exit__(None, None, None)
            for lap in fleet.laptops:
                lap.close()
            codes = [h.stop() for h in hubs]
    figures.update(faults, seconds=round(seconds, 1), backend="postgresql", hub_processes=2,
                   stop_codes=codes, hub_stops_not_clean_must_be_zero=sum(c != 0 for c in codes))
    return figures


def _sqlite_run(work: Path, laptops: int, kill_after: float) -> dict[str, Any]:
    fleet = sync_load.make_fleet(laptops, marker="Rs", seed=2)
    faults: dict[str, Any] = {"sigkill": 0, "restarts": 0}
    with initialised_hub(work, "sqlite") as made:
        hub = [start_hub(made)]
        proxy = hub[0].proxy(seed=12, fault_rate=0.3, max_faults=60, max_delay=0.3, duration=600)
        proxy.__enter__()
        try:
            with _database(made) as (db, keys):
                sync_load.enrol_fleet(fleet, db, ca_pem=made.ca_pem, urls=lambda i: [
                    proxy.url if i % 5 == 2 else hub[0].url], enrol_url=hub[0].url)

                def kill_and_restart() -> None:
                    port = hub[0].port
                    hub[0].process.kill()
                    hub[0].process.wait(10)
                    faults["sigkill"] += 1
                    time.sleep(1.0)  # the laptops find it gone and keep trying
                    hub[0] = start_hub(made, port=port)
                    faults["restarts"] += 1

                later: list[_Later] = []

                def between(round_name: str) -> None:
                    if round_name == "record":
                        later.append(_Later(kill_after, kill_and_restart))
                        later[0].start()
                    elif round_name == "edit":
                        later[0].join()

                started = time.perf_counter()
                sync_load.run_day(fleet, cases=2, between=between)
                seconds = time.perf_counter() - started
                figures = sync_load.verify(fleet, db, keys)
        finally:
            faults["proxy"] = dict(proxy.counts)
            proxy.__exit__(None, None, None)
            for lap in fleet.laptops:
                lap.close()
            codes = [hub[0].stop()]
    figures.update(faults, seconds=round(seconds, 1), backend="sqlite", hub_processes=1,
                   stop_codes=codes, hub_stops_not_clean_must_be_zero=sum(c != 0 for c in codes))
    return figures


def load_with_faults(work: Path, *, laptops: int = 200, kill_after: float = 1.5) -> dict[str, Any]:
    return {"postgresql": _postgres_run(work / "pg", laptops, kill_after),
            "sqlite": _sqlite_run(work / "sqlite", laptops, kill_after)}


def fault_seeds(work: Path, *, seeds: int = 100) -> dict[str, Any]:
    """The fault-proxy test file with ``seeds`` seeds, in its own pytest process."""
    report = work / "fault-seeds.json"
    env = {**os.environ, "FIELDAPP_FAULT_SEEDS": str(seeds), "FIELDAPP_FAULT_REPORT": str(report),
           "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--basetemp", str(work / "pytest"),
                           "tests/sync/test_client_hub_faults.py"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    out = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    out["failed_must_be_zero"] = int(proc.returncode != 0)
    if proc.returncode != 0:
        out["tail"] = proc.stdout[-1500:]
    return out


def fuzz(work: Path, *, total: int = 1000) -> dict[str, Any]:
    """``total`` schemathesis requests against a hub on each backend; the database unchanged."""
    from sqlalchemy import func, select

    from sync.hub.service import enrol
    from sync.hub.store.tables import devices, ops, received_bundles

    results: dict[str, Any] = {}
    for backend in ("sqlite", "postgres"):
        with initialised_hub(work / backend, backend) as made:
            hub = start_hub(made)
            try:
                with _database(made) as (db, _keys):
                    lap = SimLaptop(Plan(name="IDVA Fuzz", staff_code="IDF01", team="T0"))
                    lap.enrol(hub_url=hub.url, ca_pem=made.ca_pem, code=enrol.make_code(
                        db, user="IDVA Fuzz", role="idva", staff_code="IDF01", bcu="WEST"))
                    lap.new_case()
                    lap.sync()

                    def counts() -> list[int]:
                        with db.begin(read_only=True) as conn:
                            return [conn.execute(select(func.count()).select_from(t)).scalar_one()
                                    for t in (devices, ops, received_bundles)]

                    before = counts()
                    figures = hub_fuzz.fuzz(hub.url, total=total, verify=str(made.ca_file),
                                            signer=hub_fuzz.Signer(lap.pairs.signing,
                                                                   lap.device_id))
                    after = counts()
                    lap.new_case()
                    try:
                        lap.sync()
                        still_serving = True
                    except Exception:  # noqa: BLE001 - counted below
                        still_serving = False
                    lap.close()
            finally:
                code = hub.stop()
        figures["rows_changed_must_be_zero"] = sum(abs(a - b) for a, b in zip(after, before,
                                                                              strict=True))
        figures["hub_not_serving_afterwards_must_be_zero"] = int(not still_serving or code != 0)
        results[backend] = figures
    return results


def zeros(results: dict[str, Any]) -> dict[str, int]:
    """Every must-be-zero figure of the hub checks, by a readable name."""
    out: dict[str, int] = {}
    for section, value in results.items():
        if section not in ("hub_load", "hub_seeds", "hub_fuzz"):
            continue
        items = value.items() if section in ("hub_load", "hub_fuzz") else [(None, value)]
        for sub, figures in items:
            for key, n in (figures or {}).items():
                if key.endswith("_must_be_zero"):
                    label = key[: -len("_must_be_zero")].replace("_", " ")
                    out[f"{label} ({section}{'/' + sub if sub else ''})"] = int(n)
    return out


def main() -> None:  # pragma: no cover - python -m bench.hub_reliability [laptops]
    laptops = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory(prefix="fieldapp-hub-rel-") as tmp:
        print(json.dumps(load_with_faults(Path(tmp), laptops=laptops), default=str))


if __name__ == "__main__":
    main()
