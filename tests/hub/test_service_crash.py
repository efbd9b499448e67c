"""T13: the hub killed (SIGKILL) in the middle of applying a large bundle leaves no partial
bundle, on SQLite and on PostgreSQL: ``received_bundles``, the device's ``last_seq`` and the ops
agree (all of the bundle or none of it), and the same bytes apply cleanly afterwards.

The apply runs in a child process (``python -c``) that stops itself right after a chosen
statement of the apply transaction has run and waits there; the test kills it with SIGKILL.
"""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from db_fixtures import (  # noqa: F401
    CaseIds,
    database,
    db_url,
    enrol_laptop,
    hub_data,
    hub_keys,
    new_case_ops,
    now_ms,
    voice_op,
)
from sqlalchemy import func, select, text

from sync.hub.service import audit, devices, push
from sync.hub.store.tables import cases, counters, hub_audit, ops, received_bundles
from sync.hub.store.tables import devices as devices_table

CHILD = r"""
import pathlib, sys, time
from sqlalchemy import event
from sync.hub import keys as hub_keys
from sync.hub.service import devices, push
from sync.hub.store.db import Database

url, data, device_id, bundle, ready, point = sys.argv[1:7]
db = Database(url)
keys = hub_keys.load(pathlib.Path(data))
body = pathlib.Path(bundle).read_bytes()
with db.begin(read_only=True) as conn:
    device = devices.load(conn, device_id)

@event.listens_for(db.engine, "after_cursor_execute")
def _stop(conn, cursor, statement, parameters, context, executemany):
    if statement.lstrip().lower().startswith(point):
        pathlib.Path(ready).write_text("stopped")
        time.sleep(600)

push.accept_bundle(db, keys, device=device, body=body, max_bytes=64 * 1024 * 1024,
                   now_ms=int(time.time() * 1000))
pathlib.Path(ready).write_text("finished")
"""

POINTS = ["insert into ops", "update counters", "insert into cases",
          "insert into received_bundles", "update devices", "insert into hub_audit"]
OPS = 2000


def _counts(db):  # noqa: ANN001, ANN202
    with db.begin(read_only=True) as conn:
        return {
            "ops": conn.execute(select(func.count()).select_from(ops)).scalar_one(),
            "bundles": conn.execute(select(func.count()).select_from(received_bundles))
            .scalar_one(),
            "last_seq": conn.execute(select(func.max(devices_table.c.last_seq))).scalar_one(),
            "cases": conn.execute(select(func.count()).select_from(cases)).scalar_one(),
            "change": conn.execute(select(counters.c.value)
                                   .where(counters.c.name == "change")).scalar_one(),
            "audit_rows": conn.execute(select(func.count()).select_from(hub_audit)).scalar_one(),
        }


def _wait_for(path: Path, proc: subprocess.Popen, seconds: float = 120) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return path.read_text()
        if proc.poll() is not None:
            raise AssertionError(f"the child ended early: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.05)
    raise AssertionError("the child never reached the kill point")


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_mid_apply_leaves_no_partial_bundle(database, db_url, hub_keys, hub_data,
                                                   tmp_path, point):
    # A coordinator's device: the bundle holds ops of a thousand cases the hub has no record
    # of, which the hub refuses from an IDVA's (authority.NO_CASE) but applies from it.
    laptop, _ = enrol_laptop(database, hub_keys, role="coordinator")
    ids, case_ops = new_case_ops(laptop)
    big = case_ops + [voice_op(laptop, CaseIds(case_id=c.case_id), "w" * 50)
                      for c in [new_case_ops(laptop)[1][0] for _ in range(OPS // 2)]]
    big += [voice_op(laptop, ids, f"entry {i}") for i in range(OPS - len(big))]
    body = laptop.bundle(big)
    bundle = tmp_path / "bundle.bin"
    bundle.write_bytes(body)
    before = _counts(database)
    ready = tmp_path / "ready"
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, db_url, str(hub_data), laptop.device_id, str(bundle),
         str(ready), point], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    try:
        assert _wait_for(ready, proc) == "stopped"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    if database.backend == "sqlite":
        with database.begin(read_only=True) as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    after = _counts(database)
    assert after == before, f"a partial bundle was left after SIGKILL at {point!r}"
    assert audit.verify(database)
    # The laptop retries with the identical bytes: applied whole, once.
    with database.begin(read_only=True) as conn:
        device = devices.load(conn, laptop.device_id)
    answer = push.accept_bundle(database, hub_keys, device=device, body=body,
                                max_bytes=64 * 1024 * 1024, now_ms=now_ms())
    assert answer["status"] == "applied"
    done = _counts(database)
    assert (done["ops"], done["bundles"], done["last_seq"]) == (len(big), 1, 1)
    assert done["cases"] == 1 + OPS // 2 and done["change"] == done["cases"]
    assert audit.verify(database)
