"""The hub's database connection dies under a request: the request is answered 503
``unavailable`` (JSON, ``Retry-After``, nothing applied) and the next request gets a new
connection. On PostgreSQL the hub's backend is terminated with ``pg_terminate_backend`` while it
waits on a lock another session holds, so the failure lands inside the request every time."""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

import threading
import time

import pytest
from db_fixtures import (  # noqa: F401
    api,
    database,
    db_url,
    enrol_laptop,
    hub_data,
    hub_keys,
    maintenance_connection,
    new_case_ops,
)
from sqlalchemy import func, select

from sync.hub.store.tables import ops

ON_POSTGRES = pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)


def _waiting_backends(admin, name: str) -> list[int]:  # noqa: ANN001
    return [pid for (pid,) in admin.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
        (name,)).fetchall()]


@ON_POSTGRES
def test_a_terminated_backend_is_a_503_and_the_next_request_reconnects(api, database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    name = database.url.database
    _, case_ops = new_case_ops(laptop)
    body = laptop.bundle(case_ops)
    answers: list = []
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname=name) as locker, \
            maintenance_connection() as admin:
        locker.execute("LOCK TABLE ops IN ACCESS EXCLUSIVE MODE")  # the push will wait on it
        worker = threading.Thread(target=lambda: answers.append(
            api.signed(laptop, "POST", "/v1/bundles", body)))
        worker.start()
        deadline = time.monotonic() + 20
        while not (waiting := _waiting_backends(admin, name)):
            assert time.monotonic() < deadline, "the push never waited on the lock"
            time.sleep(0.05)
        for pid in waiting:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        worker.join(30)
        locker.rollback()
    (answer,) = answers
    assert answer.status_code == 503, answer.text
    assert answer.json()["error"] == "unavailable" and answer.json()["message"]
    assert int(answer.headers["retry-after"]) > 0
    with database.begin(read_only=True) as conn:
        assert conn.execute(select(func.count()).select_from(ops)).scalar_one() == 0
    # The laptop sends the same bytes again: a new connection, applied once.
    again = api.signed(laptop, "POST", "/v1/bundles", body)
    assert again.status_code == 200 and again.json()["status"] == "applied", again.text
    with database.begin(read_only=True) as conn:
        assert conn.execute(select(func.count()).select_from(ops)).scalar_one() == len(case_ops)
