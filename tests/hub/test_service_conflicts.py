"""``fieldapp-hub conflicts`` on a hub holding an open conflict and quarantined changes: the
words name the field, the value in force and each competing value with its author, device and a
number to keep; ``--json`` has what spec/cli.md requires; the quarantine is listed by device."""

from __future__ import annotations

import json

from db_fixtures import enrol_laptop, new_case_ops, now_ms, safe_contact_op

from sync.hub import keys as hub_keys_module
from sync.hub.service import devices, push
from sync.hub.store.db import Database


def _based(op, value: dict) -> object:  # noqa: ANN001
    return op.model_copy(update={"value": {**op.value, **value}})


def test_conflicts_and_quarantine_in_words_and_json(made_hub_sqlite):
    data = made_hub_sqlite.data_dir
    db = Database(f"sqlite:///{(data / 'hub.db').as_posix()}")
    keys = hub_keys_module.load(data)
    try:
        idva, _ = enrol_laptop(db, keys, staff_code="IDVA01", user="IDVA One")
        coord, _ = enrol_laptop(db, keys, role="coordinator", staff_code="", user="Coordinator")
        ids, made = new_case_ops(idva, police_ref="LC-77")
        at = now_ms()
        flag = {"field": "do_not_contact", "base": ""}
        bundles = [
            (idva, [*made, idva.op("safety", ids.case_id, ids.case_id, {**flag, "value": False}),
                    _based(safe_contact_op(idva, ids, "07700 900123"), {"base": ""})]),
            (coord, [coord.op("safety", ids.case_id, ids.case_id, {**flag, "value": True},
                              at_ms=at + 1000)]),
            (coord, [coord.op("safety", ids.case_id, ids.case_id,  # its clock 20 minutes fast
                              {"field": "do_not_visit", "value": True, "base": ""},
                              at_ms=at + 20 * 60_000)]),
        ]
        for laptop, ops in bundles:
            with db.begin(read_only=True) as conn:
                device = devices.load(conn, laptop.device_id)
            push.accept_bundle(db, keys, device=device, body=laptop.bundle(ops),
                               max_bytes=1024 * 1024, now_ms=at)
    finally:
        db.dispose()

    words = made_hub_sqlite.ok("conflicts").stdout
    assert "LC-77: Do not contact (in force until resolved: yes;" in words
    assert "[0] yes from Coordinator" in words or "[1] yes from Coordinator" in words
    assert "no from IDVA One (device " in words
    assert "1 open conflict." in words
    assert "Quarantined: 1 change(s) from device" in words and "Have the laptop's clock" in words
    found = json.loads(made_hub_sqlite.ok("conflicts", "--json").stdout)
    (conflict,) = found["conflicts"]
    assert {"case_id", "police_incident_ref", "field", "values", "in_force"} <= set(conflict)
    assert conflict["police_incident_ref"] == "LC-77" and conflict["field"] == "do_not_contact"
    assert sorted(v["value"] for v in conflict["values"]) == [False, True]
    assert all(v["device_id"] and v["at"] for v in conflict["values"])
    assert conflict["in_force"]["value"] is True
    (held,) = found["quarantined"]
    assert held["ops"] == 1 and held["device_id"] == coord.device_id
