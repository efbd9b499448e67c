"""Generated requests from the hub's own /openapi.json (schemathesis) against ``fieldapp-hub serve``.

100 requests here (``make reliability`` sends 1,000+ through bench/hub_fuzz.py): positive and
negative cases for every operation, half of those to the signed endpoints signed by an enrolled
device so they reach the bundle and page code. No answer is a 5xx; every refusal is a 4xx JSON
``{"error", "message"}`` quoting nothing the request carried; nothing is applied (the database
holds what it held); the hub still serves the enrolled laptop afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from hub_process import RunningHub, running_hub
from sqlalchemy import func, select

from bench import hub_fuzz
from bench.sync_laptop import Plan, SimLaptop
from sync.hub import config as hub_config
from sync.hub.service import enrol
from sync.hub.store.db import Database
from sync.hub.store.tables import cases, devices, enrol_codes, ops, received_bundles

REQUESTS = 100


@contextlib.contextmanager
def hub_db(hub: RunningHub) -> Iterator[Database]:
    db = Database(hub_config.database_url(hub_config.load(hub.data_dir), hub.data_dir))
    try:
        yield db
    finally:
        db.dispose()


def counts(db: Database) -> dict[str, object]:
    with db.begin(read_only=True) as conn:
        out: dict[str, object] = {t.name: conn.execute(select(func.count()).select_from(t))
                                  .scalar_one() for t in (devices, ops, received_bundles, cases)}
        out["codes_used"] = conn.execute(select(func.count()).select_from(enrol_codes)
                                         .where(enrol_codes.c.used_at.is_not(None))).scalar_one()
        out["last_seq"] = sorted(conn.execute(select(devices.c.last_seq)).scalars())
    return out


def test_generated_requests_get_json_refusals_and_change_nothing(tmp_path) -> None:
    with running_hub(tmp_path, "sqlite") as hub, hub_db(hub) as db:
        lap = SimLaptop(Plan(name="IDVA Fuzz", staff_code="IDF01", team="T0"), marker="Zf")
        lap.enrol(hub_url=hub.url, ca_pem=hub.ca_pem,
                  code=enrol.make_code(db, user="IDVA Fuzz", role="idva", staff_code="IDF01",
                                       bcu="WEST", team="T0"))
        enrol.make_code(db, user="Unused", role="idva", staff_code="IDF02")  # must stay unused
        lap.new_case()
        lap.sync()
        before = counts(db)
        figures = hub_fuzz.fuzz(hub.url, total=REQUESTS, verify=str(hub.ca_file),
                                signer=hub_fuzz.Signer(lap.pairs.signing, lap.device_id))
        after = counts(db)
        lap.new_case()
        lap.sync()  # still serving, and the laptop's sequence was not disturbed
        with hub.client() as client:
            health = client.get("/v1/health")
        lap.close()
    print(figures)
    assert figures["requests"] >= REQUESTS and figures["signed"] > 0
    assert {k: v for k, v in figures.items() if k.endswith("must_be_zero") and v} == {}, figures
    assert set(figures["by_operation"]) >= {"POST /v1/bundles", "GET /v1/changes",
                                            "POST /v1/enrol"}
    assert all(400 <= s < 500 for s in figures["by_status"] if s != 200), figures["by_status"]
    assert after == before, (before, after)  # nothing applied
    assert health.status_code == 200 and len(lap.sent) == 2 and lap.sent[-1].receipt
