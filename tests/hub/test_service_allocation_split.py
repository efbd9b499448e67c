"""An IDVA's own new case whose creation ops arrive in two bundles (the bundle limit fell between
its incident op and its case op) is still the IDVA's: both apply and the case is in its scope.
The same creation-shaped op aimed at a case the hub holds for someone else is a re-allocation,
and refused."""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

from db_fixtures import (  # noqa: F401
    MAX,
    database,
    db_url,
    enrol_laptop,
    hub_data,
    hub_keys,
    load_device,
    new_case_ops,
    now_ms,
)
from sqlalchemy import select

from sync.hub.service import authority, push
from sync.hub.store.tables import cases, ops


def _push(db, keys, laptop, body):  # noqa: ANN001, ANN202
    answer = push.accept_bundle(db, keys, device=load_device(db, laptop), body=body,
                                max_bytes=MAX, now_ms=now_ms())
    return answer["receipt"]["statement"]


def test_a_new_case_split_across_two_bundles_is_applied_whole(database, hub_keys):
    idva, _ = enrol_laptop(database, hub_keys, staff_code="IDVA01")
    ids, (incident_op, case_op) = new_case_ops(idva, allocated_to="IDVA01")
    first = _push(database, hub_keys, idva, idva.bundle([incident_op]))
    second = _push(database, hub_keys, idva, idva.bundle([case_op]))
    assert (first["refused"], second["refused"]) == ([], [])
    assert (first["applied"], second["applied"]) == (1, 1)
    with database.begin() as conn:
        case = conn.execute(select(cases).where(cases.c.case_id == ids.case_id)).one()
        refused = conn.execute(select(ops.c.refused).where(ops.c.case_id == ids.case_id)).scalars()
        assert list(refused) == [None, None]
    assert case.allocated_to == "IDVA01"


def test_a_creation_shaped_op_for_someone_elses_case_is_refused(database, hub_keys):
    coordinator, _ = enrol_laptop(database, hub_keys, role="coordinator", staff_code="")
    ids, creation = new_case_ops(coordinator, allocated_to="IDVA02")
    _push(database, hub_keys, coordinator, coordinator.bundle(creation))
    idva, _ = enrol_laptop(database, hub_keys, staff_code="IDVA01")
    steal = idva.op("case", ids.case_id, ids.case_id, {"incident_id": ids.incident_id,
                                                       "visit_id": ids.visit_id,
                                                       "allocated_to": "IDVA01"})
    receipt = _push(database, hub_keys, idva, idva.bundle([steal]))
    assert [r["code"] for r in receipt["refused"]] == [authority.ALLOCATION]
    with database.begin() as conn:
        case = conn.execute(select(cases).where(cases.c.case_id == ids.case_id)).one()
    assert case.allocated_to == "IDVA02"
