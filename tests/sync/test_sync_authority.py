# ruff: noqa: F811 - pytest fixtures imported from db_fixtures are parameters here
"""Allocation is the hub's to grant: a coordinator allocates, the IDVA's laptop pulls the case
with its police visit time; an IDVA's allocation is refused op by op with words; a supervisor's
laptop is read-only; a case allocated away leaves the laptop only once its own changes are
acknowledged (T19, raw scan); a scope mismatch makes a full restore (T18). Real vaults, the real
hub app and store (SQLite) in-process."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy import delete, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hub"))
from db_fixtures import database, db_url, hub_data, hub_keys  # noqa: E402, F401
from inproc_hub import Station  # noqa: E402

from fieldapp.domain import records as r  # noqa: E402
from fieldapp.services import allocation, capture  # noqa: E402
from fieldapp.services.sync import state  # noqa: E402
from fieldapp.store.engine import checkpoint  # noqa: E402
from sync.hub.service import conflicts as hub_conflicts  # noqa: E402
from sync.hub.store.tables import cases as hub_cases  # noqa: E402
from sync.hub.store.tables import device_cases  # noqa: E402
from sync.hub.store.tables import ops as hub_ops  # noqa: E402

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

POLICE_AT = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
MARKER = "Marker Vantablack-Quince"  # a victim's name that must leave the IDVA's files


@pytest.fixture
def station(database, hub_keys, tmp_path):
    made = Station(database=database, keys=hub_keys, folder=tmp_path)
    yield made
    made.close()


def _new_case(laptop, *, police_ref: str, to: str, name: str = "") -> str:
    with laptop.store.uow() as uow:
        made = capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref=police_ref, bcu="WEST", district="FYLDE", police_visit_at=POLICE_AT,
            victim_name=name, allocated_to=to))
        uow.commit()
    return str(made.case_id)


def _allocated(laptop) -> dict[str, tuple[str, str]]:
    with laptop.store.uow(read_only=True) as uow:
        return {cid: (to, at) for cid, to, at in uow.dbapi().execute(
            "SELECT id, allocated_to, police_visit_at FROM cases")}


def _hub_allocation(database, case_id: str) -> str | None:
    with database.begin(read_only=True) as conn:
        return conn.execute(select(hub_cases.c.allocated_to)
                            .where(hub_cases.c.case_id == case_id)).scalar_one_or_none()


def test_coordinator_allocates_and_the_idva_pulls_the_case_with_its_police_time(station):
    coord = station.laptop("coord", role="coordinator", staff_code="COORD1")
    idva = station.laptop("idva", staff_code="IDVA01")
    case_id = _new_case(coord, police_ref="LC-100", to="")
    assert station.sync(coord).ok
    assert _allocated(idva) == {} and station.sync(idva).received_cases == 0

    done = allocation.allocate_case(store=coord.store, case_id=UUID(case_id),
                                    to_staff_code="idva01", by="coord")
    assert done.changed and done.allocated_to == "IDVA01" and done.previously == ""
    with coord.store.uow(read_only=True) as uow:
        db = uow.dbapi()
        assert db.execute("SELECT count(*) FROM outbox WHERE entity = 'case' AND status = "
                          "'pending' AND payload ->> '$.allocated_to' = 'IDVA01'").fetchone()[0] == 1
        assert db.execute("SELECT action, fields FROM audit_log ORDER BY seq DESC LIMIT 1"
                          ).fetchone() == ("alteration", '["allocated_to"]')
    assert station.sync(coord).ok and _hub_allocation(station.database, case_id) == "IDVA01"
    report = station.sync(idva)
    assert report.new_cases == 1 and report.ok
    assert "Received 1 new case(s) allocated to you." in report.words()
    (to, police_at), = _allocated(idva).values()
    assert to == "IDVA01" and police_at.startswith(POLICE_AT.strftime("%Y-%m-%dT%H:%M:%S"))
    # Allocating to the same code again changes and sends nothing.
    again = allocation.allocate_case(store=coord.store, case_id=done.case_id,
                                     to_staff_code="IDVA01", by="coord")
    assert not again.changed and station.sync(coord).sent_ops == 0


def test_allocation_on_a_laptop_not_a_coordinators_is_refused_in_words(station):
    idva = station.laptop("idva", staff_code="IDVA01")
    case_id = _new_case(idva, police_ref="LC-1", to="IDVA01")
    for code, words in (("IDVA02", "only a coordinator's laptop"),
                        ("not a code!", "not a staff code")):
        with pytest.raises(allocation.AllocationRefused, match=words):
            allocation.allocate_case(store=idva.store, case_id=UUID(case_id),
                                     to_staff_code=code, by="idva")
    coord = station.laptop("coord", role="coordinator")
    with pytest.raises(allocation.AllocationRefused, match="not on this laptop"):
        allocation.allocate_case(store=coord.store, case_id=uuid4(),
                                 to_staff_code="IDVA02", by="coord")
    assert allocation.staff_codes_known(store=idva.store) == ["IDVA01"]


def test_the_hub_refuses_an_idvas_allocation_op_by_op_and_sends_its_copy_back(station):
    coord = station.laptop("coord", role="coordinator", staff_code="COORD1")
    idva = station.laptop("idva", staff_code="IDVA01")
    case_id = _new_case(coord, police_ref="LC-7", to="IDVA01")
    station.sync(coord)
    station.sync(idva)
    # An older or altered laptop writes the allocation anyway (the service would refuse it),
    # with a voice entry in the same bundle: the entry applies, the allocation does not.
    with idva.store.uow() as uow:
        capture.allocate(uow=uow, case_id=UUID(case_id), idva_code="IDVA02")
        capture.add_voice_entry(uow=uow, case_id=UUID(case_id),
                                entry=r.VoiceEntryIn(words="wants the locks changed"))
        uow.commit()
    report = station.sync(idva)
    assert not report.ok
    (refusal,) = report.refused
    assert refusal.what == "operation" and refusal.code == "allocation_not_allowed"
    assert "only a coordinator can allocate" in refusal.reason
    assert any("only a coordinator can allocate" in line for line in report.words())
    assert report.sent_ops == 2
    assert _hub_allocation(station.database, case_id) == "IDVA01"
    with station.database.begin(read_only=True) as conn:
        stored = dict(conn.execute(select(hub_ops.c.entity, hub_ops.c.refused)
                                   .where(hub_ops.c.case_id == case_id,
                                          hub_ops.c.entity.in_(("voice", "case")),
                                          hub_ops.c.received_seq == 1,
                                          hub_ops.c.author == "idva")).all())
    assert stored["voice"] is None and stored["case"] == "allocation_not_allowed"
    # The same sync pulled the hub's copy back: the laptop holds the coordinator's allocation.
    assert _allocated(idva)[case_id][0] == "IDVA01"
    with idva.store.uow(read_only=True) as uow:
        assert uow.dbapi().execute("SELECT count(*) FROM voice_entries").fetchone()[0] == 1


def test_a_supervisors_laptop_is_read_only(station):
    coord = station.laptop("coord", role="coordinator")
    station.laptop("idva", staff_code="IDVA01", team="T1")
    sup = station.laptop("sup", role="supervisor", staff_code="SUP1", team="T1")
    case_id = _new_case(coord, police_ref="LC-9", to="IDVA01")
    station.sync(coord)
    assert station.sync(sup).new_cases == 1
    with sup.store.uow() as uow:
        capture.add_voice_entry(uow=uow, case_id=UUID(case_id),
                                entry=r.VoiceEntryIn(words="supervisor's note"))
        uow.commit()
    report = station.sync(sup)
    assert [f.code for f in report.refused] == ["read_only_device"]
    assert "read-only" in report.refused[0].reason
    with station.database.begin(read_only=True) as conn:
        assert conn.execute(select(hub_ops.c.refused).where(hub_ops.c.entity == "voice")
                            ).scalar_one() == "read_only_device"
    with sup.store.uow(read_only=True) as uow:  # the hub's copy again: no such entry
        assert uow.dbapi().execute("SELECT count(*) FROM voice_entries").fetchone()[0] == 0


def _raw_files_hold(laptop, marker: bytes) -> list[str]:
    found = []
    for path in sorted(laptop.folder.iterdir()):
        if path.is_file() and marker in path.read_bytes():
            found.append(path.name)
    return found


def test_t19_a_case_allocated_away_is_purged_only_after_its_changes_are_acknowledged(station):
    coord = station.laptop("coord", role="coordinator")
    idva = station.laptop("idva", staff_code="IDVA01")
    case_id = _new_case(coord, police_ref="LC-19", to="IDVA01", name=MARKER)
    station.sync(coord)
    station.sync(idva)
    cid = UUID(case_id)
    # The IDVA records words offline while the coordinator moves the case to IDVA02.
    with idva.store.uow() as uow:
        capture.add_voice_entry(uow=uow, case_id=cid, entry=r.VoiceEntryIn(words="offline words"))
        uow.commit()
    allocation.allocate_case(store=coord.store, case_id=cid, to_staff_code="IDVA02", by="coord")
    station.sync(coord)
    # A pull before the push: the hub says the case left this laptop's scope, but its own change
    # is not acknowledged, so the case stays (waiting) with every word.
    from fieldapp.services.sync import pull, run
    enrolment = run.load_enrolment(store=idva.store)
    client = run.client_for(store=idva.store, enrolment=enrolment, transport=station.transport)
    early = pull.pull(store=idva.store, client=client, enrolment=enrolment)
    assert early.removed_cases == 0 and case_id in _allocated(idva)
    with idva.store.uow(read_only=True) as uow:
        assert case_id in state.get_json(uow.dbapi(), state.PENDING_REMOVALS, [])
    # The full sync pushes it, the receipt acknowledges it, then the case is purged.
    report = station.sync(idva)
    assert report.sent_ops == 1 and report.removed_cases == 1 and report.ok
    assert case_id not in _allocated(idva)
    with station.database.begin(read_only=True) as conn:
        assert conn.execute(select(hub_ops.c.refused).where(hub_ops.c.entity == "voice")
                            ).scalar_one() is None  # the words reached the hub
    checkpoint(idva.store.engine)
    assert _raw_files_hold(idva, MARKER.encode()) == []  # encrypted at rest anyway
    with idva.store.uow(read_only=True) as uow:
        db = uow.dbapi()
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            if table == "audit_log":
                continue  # keeps the case id (never its data): who did what
            columns = [c[1] for c in db.execute(f"PRAGMA table_info('{table}')")]
            where = " OR ".join(f"CAST({c} AS TEXT) LIKE ?1" for c in columns)
            hits = db.execute(f"SELECT count(*) FROM {table} WHERE {where}",
                              (f"%{case_id}%",)).fetchone()[0]
            assert hits == 0, table
            marker_hits = db.execute(f"SELECT count(*) FROM {table} WHERE {where}",
                                     ("%Vantablack%",)).fetchone()[0]
            assert marker_hits == 0, table


def test_t18_a_case_deleted_at_the_hub_makes_the_laptop_restore_its_scope(station):
    coord = station.laptop("coord", role="coordinator")
    idva = station.laptop("idva", staff_code="IDVA01")
    kept = _new_case(coord, police_ref="LC-A", to="IDVA01")
    gone = _new_case(coord, police_ref="LC-B", to="IDVA01")
    station.sync(coord)
    assert station.sync(idva).new_cases == 2
    with station.database.begin() as conn:  # a hub-side deletion, behind the protocol's back
        conn.execute(delete(hub_ops).where(hub_ops.c.case_id == gone))
        conn.execute(delete(hub_cases).where(hub_cases.c.case_id == gone))
        # ...and of what the hub knew it had sent, so no page says "removed": only the hash
        conn.execute(delete(device_cases).where(device_cases.c.case_id == gone))
    report = station.sync(idva)
    assert report.full_restore and report.removed_cases == 1 and report.ok
    assert set(_allocated(idva)) == {kept}
    again = station.sync(idva)
    assert not again.full_restore and again.received_cases == 0


def test_hub_conflicts_listing_is_empty_without_conflicts(station):
    assert hub_conflicts.open_conflicts(station.database, station.keys) == []
