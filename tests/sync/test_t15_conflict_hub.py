"""T15 against ``fieldapp-hub serve`` over TLS on loopback (tests/hub/hub_process.py): the
coordinator's and the IDVA's laptops, both offline, change do-not-contact and the safe-contact
number of one case. After both sync: both values kept, the case flagged on the hub and on both
laptops, the restrictive value in force; resolving on one laptop clears it everywhere.

The laptops enrol and sync in-process with the app's own client over TLS (the code path of
``fieldapp enrol``/``fieldapp sync``; a subprocess for each would cost this test a minute on a
busy machine); listing and resolving go through the ``fieldapp`` CLI in subprocesses, the hub's
listing through ``fieldapp-hub conflicts``."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta
from uuid import UUID

from test_client_hub import PASSPHRASE, laptop, running_hub

from fieldapp.domain import records as r
from fieldapp.domain.enums import SafeContactMethod
from fieldapp.services import capture, safety_flags
from fieldapp.services.sync import conflicts, enrol, run
from fieldapp.store import Store
from fieldapp.vault import Vault


@contextlib.contextmanager
def unlocked(folder):  # noqa: ANN001, ANN201
    vault = Vault.open(folder)
    vault.unlock(bytearray(PASSPHRASE.encode()))
    try:
        yield vault, Store.open(vault)
    finally:
        vault.lock()


def _laptop(hub, tmp_path, name: str, role: str, staff_code: str):  # noqa: ANN001, ANN202
    folder = tmp_path / name
    vault = Vault.create(folder, passphrase=bytearray(PASSPHRASE.encode()), user=name, role=role)
    store = Store.open(vault)
    code = hub.ok("enrol-code", "--user", name, "--role", role, "--staff-code", staff_code)
    enrol.enrol(store=store, hub_url=hub.url, code=code.stdout.split()[-1],
                ca_fingerprint=hub.ca_fingerprint)
    vault.lock()
    return folder


def _sync(folder):  # noqa: ANN001, ANN202 - the SyncReport
    with unlocked(folder) as (vault, store):
        return run.sync_now(vault=vault, store=store)


def _edit_offline(folder, case_id: UUID, *, do_not_contact: bool, number: str) -> None:  # noqa: ANN001
    with unlocked(folder) as (_, store):
        safety_flags.set_flag(store=store, case_id=case_id, field="do_not_contact",
                              value=do_not_contact, by=folder.name)
        with store.uow() as uow:
            capture.record_safe_contact(uow=uow, case_id=case_id, contact=r.SafeContactIn(
                method=SafeContactMethod.PHONE, safe_number=number, safe_times="after 6pm"))
            uow.commit()


def _state(folder, case_id: UUID) -> tuple[bool | None, str, set[UUID], list]:  # noqa: ANN001
    """Do-not-contact in force, the safe number held, the flagged cases, the open conflicts."""
    with unlocked(folder) as (_, store):
        flags = safety_flags.case_flags(store=store, case_id=case_id)
        with store.uow(read_only=True) as uow:
            (number,) = uow.dbapi().execute("SELECT safe_number FROM safe_contacts WHERE "
                                            "case_id = ?", (str(case_id),)).fetchone()
        return (flags.do_not_contact, number, conflicts.conflicted_case_ids(store=store),
                conflicts.open_conflicts(store=store))


def test_t15_both_values_kept_flagged_everywhere_restrictive_in_force_resolved_once(tmp_path):
    with running_hub(tmp_path, "sqlite") as hub:
        coord = _laptop(hub, tmp_path, "coord", "coordinator", "COORD1")
        idva = _laptop(hub, tmp_path, "idva", "idva", "IDVA01")
        with unlocked(coord) as (_, store), store.uow() as uow:
            case_id = capture.create_incident(uow=uow, incident=r.IncidentIn(
                police_ref="LC-15", bcu="WEST", district="WYRE", allocated_to="IDVA01",
                police_visit_at=datetime.now(UTC) - timedelta(hours=2))).case_id
            uow.commit()
        assert _sync(coord).ok
        assert "Received 1 new case(s) allocated to you." in _sync(idva).words()

        # Both offline, from the same base: the IDVA says contact is fine, the coordinator
        # says do not contact; each records a different safe number.
        _edit_offline(idva, case_id, do_not_contact=False, number="07700 900111")
        _edit_offline(coord, case_id, do_not_contact=True, number="07700 900222")
        assert _sync(idva).ok
        coord_sync = _sync(coord)
        assert coord_sync.ok and coord_sync.conflicts == 2 and coord_sync.open_conflicts == 2
        after = _sync(idva)
        assert any("2 conflict(s) of safety fields wait for a person to choose" in line
                   for line in after.words())

        on_hub = json.loads(hub.ok("conflicts", "--json").stdout)["conflicts"]
        assert sorted(c["field"] for c in on_hub) == ["do_not_contact", "safe_contact"]
        assert all(c["case_id"] == str(case_id) and c["police_incident_ref"] == "LC-15"
                   for c in on_hub)
        by_field = {c["field"]: c for c in on_hub}
        dnc = by_field["do_not_contact"]
        assert sorted(v["value"] for v in dnc["values"]) == [False, True]
        assert dnc["in_force"]["value"] is True and all(v["device_id"] for v in dnc["values"])
        numbers = sorted(v["value"]["safe_number"] for v in by_field["safe_contact"]["values"])
        assert numbers == ["07700 900111", "07700 900222"]

        for folder in (idva, coord):  # flagged on both laptops, do-not-contact in force
            in_force, _, flagged, listed = _state(folder, case_id)
            assert in_force is True and flagged == {case_id}
            assert {c.conflict_id for c in listed} == {c["conflict_id"] for c in on_hub}
        listed = json.loads(laptop(idva, "conflicts", "--json").stdout)["conflicts"]
        shown = {c["field"]: c for c in listed}
        assert sorted(s["value"] for s in shown["safe_contact"]["sides"]) == numbers  # both shown
        assert shown["do_not_contact"]["in_force"]["label"] == "yes"

        # Resolved on the IDVA's laptop: one by its id and number, one by case and value.
        keep = next(i for i, s in enumerate(shown["do_not_contact"]["sides"]) if s["value"])
        laptop(idva, "conflicts", "resolve", dnc["conflict_id"], "--keep", str(keep),
               "--reason", "perpetrator moved back in: no contact")
        laptop(idva, "conflicts", "resolve", "LC-15", "safe_contact", "--keep", "07700 900111",
               "--reason", "she confirmed this number at the visit")
        assert _state(idva, case_id)[:3] == (True, "07700 900111", set())
        assert _sync(idva).ok and _sync(coord).ok

        assert json.loads(hub.ok("conflicts", "--json").stdout)["conflicts"] == []
        assert _state(coord, case_id) == (True, "07700 900111", set(), [])
        with unlocked(coord) as (_, store):
            history = safety_flags.field_history(store=store, case_id=case_id)
        assert {h.label for h in history if h.field == "do_not_contact"} == {"no"}
