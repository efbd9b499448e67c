"""The coordinator routes (``/v1/admin/...``) through the ASGI app: signed like the sync calls,
refused with 403 ``not_coordinator`` and words for anyone else, audited under the coordinator."""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

import json

from db_fixtures import (  # noqa: F401
    api,
    database,
    db_url,
    enrol_laptop,
    hub_data,
    hub_keys,
)
from sqlalchemy import select

from sync.hub.service import enrol
from sync.hub.store.tables import hub_audit

MARKER = "ECHO-MARKER-adm1"


def _json(body: dict) -> bytes:
    return json.dumps(body).encode("utf-8")


def _post(api, laptop, path: str, body: dict):  # noqa: ANN001, ANN202
    raw = _json(body)
    return api.call("POST", path, content=raw, headers={
        **laptop.headers("POST", path, raw), "Content-Type": "application/json"})


def _refused(response, status: int, code: str) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code and body["message"] and MARKER not in response.text
    return body


def test_only_a_coordinators_laptop_may_use_the_admin_routes(api, database, hub_keys):
    idva, _ = enrol_laptop(database, hub_keys, role="idva", staff_code="IDVA01")
    coord, _ = enrol_laptop(database, hub_keys, role="coordinator", staff_code="C1",
                            user="Coordinator One")
    body = _refused(api.signed(idva, "GET", "/v1/admin/devices"), 403, "not_coordinator")
    assert "coordinator" in body["message"]
    _refused(_post(api, idva, "/v1/admin/enrol-codes", {"user": MARKER, "role": "idva",
                                                        "staff_code": "IDVA09"}),
             403, "not_coordinator")
    _refused(_post(api, idva, f"/v1/admin/devices/{coord.device_id}/revoke",
                   {"reason": MARKER}), 403, "not_coordinator")
    _refused(api.call("GET", "/v1/admin/devices"), 401, "bad_request_signature")  # unsigned
    listed = api.signed(coord, "GET", "/v1/admin/devices")
    assert listed.status_code == 200
    assert {d["device_id"] for d in listed.json()["devices"]} == {idva.device_id, coord.device_id}


def test_a_coordinator_makes_a_code_lists_and_revokes_with_a_reason(api, database, hub_keys):
    coord, _ = enrol_laptop(database, hub_keys, role="coordinator", staff_code="C1",
                            user="Coordinator One")
    path = "/v1/admin/enrol-codes"
    _refused(_post(api, coord, path, {"user": "IDVA Two", "role": "idva"}), 400,
             "staff_code_needed")
    _refused(_post(api, coord, path, {"user": "IDVA Two", "role": MARKER}), 400, "malformed")
    _refused(_post(api, coord, path, {"user": "", "role": "idva", "staff_code": "X1"}), 400,
             "malformed")
    made = _post(api, coord, path, {"user": "IDVA Two", "role": "idva", "staff_code": "IDVA02",
                                    "bcu": "west"})
    assert made.status_code == 200, made.text
    code = made.json()["code"]
    assert len(code.replace("-", "")) == 25 and made.json()["expires_at"] > 0

    # The code enrols a laptop (the hub's own enrolment), as the person and role it was made for.
    from db_fixtures import FAKE_CA, Laptop

    new = Laptop(hub=hub_keys, author="IDVA Two")
    answer = enrol.enrol(database, hub_keys, request=new.enrol_request(code), ca_pem=FAKE_CA,
                         max_bundle_bytes=1024 * 1024, now_ms=made.json()["expires_at"] - 1000)
    assert (answer.user, answer.role, answer.staff_code, answer.bcu) == (
        "IDVA Two", "idva", "IDVA02", "WEST")

    revoke = f"/v1/admin/devices/{new.device_id}/revoke"
    _refused(_post(api, coord, revoke, {}), 400, "malformed")  # no reason
    _refused(_post(api, coord, revoke, {"reason": "   "}), 400, "reason_needed")
    _refused(_post(api, coord, f"/v1/admin/devices/{coord.device_id}/revoke",
                   {"reason": "testing"}), 409, "own_device")
    _refused(_post(api, coord, "/v1/admin/devices/AAAA-BBBB/revoke", {"reason": "x"}), 404,
             "unknown_device")
    done = _post(api, coord, revoke, {"reason": "laptop lost"})
    assert done.status_code == 200 and done.json()["state"] == "revoked"
    devices = api.signed(coord, "GET", "/v1/admin/devices").json()["devices"]
    mine = [d for d in devices if d["device_id"] == new.device_id][0]
    assert mine["state"] == "revoked" and mine["revoked_reason"] == "laptop lost"
    # The revoked laptop's next signed call is told to wipe itself.
    wiped = _refused(api.signed(new, "GET", "/v1/changes?cursor=0"), 403, "revoked")
    assert wiped["wipe"]["statement"]["device_id"] == new.device_id
    with database.begin(read_only=True) as conn:
        rows = conn.execute(select(hub_audit.c.actor, hub_audit.c.action, hub_audit.c.record_id,
                                   hub_audit.c.purpose)).all()
    assert ("Coordinator One", "revocation", new.device_id, "laptop lost") in rows
    assert any(r.actor == "Coordinator One" and r.action == "enrolment" for r in rows)
