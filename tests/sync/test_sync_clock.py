# ruff: noqa: F811 - pytest fixtures imported from db_fixtures are parameters here
"""T14, clock skew, against the real hub app in-process (real vaults): a laptop whose clock is
10 minutes ahead of the hub's has its changes quarantined (kept, not applied, counted in the
hub's status and listed with its conflicts) and is told in words by how much and what to do; a
laptop 2 days behind still syncs, is warned, and its changes made after seeing the hub's are
ordered after them (the HLC takes the hub's time)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hub"))
from db_fixtures import database, db_url, hub_data, hub_keys  # noqa: E402, F401
from inproc_hub import Station  # noqa: E402

from fieldapp.domain import records as r  # noqa: E402
from fieldapp.services import capture, safety_flags  # noqa: E402
from sync.hub.service import conflicts as hub_conflicts  # noqa: E402
from sync.hub.service import status  # noqa: E402
from sync.hub.store.tables import ops as hub_ops  # noqa: E402

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
MINUTE = 60_000


@pytest.fixture
def station(database, hub_keys, tmp_path):
    made = Station(database=database, keys=hub_keys, folder=tmp_path)
    yield made
    made.close()


def _case(station):  # noqa: ANN001, ANN202
    coord = station.laptop("coord", role="coordinator")
    idva = station.laptop("idva", staff_code="IDVA01")
    with coord.store.uow() as uow:
        case_id = capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref="LC-14", bcu="WEST", district="WYRE", allocated_to="IDVA01",
            police_visit_at=datetime.now(UTC) - timedelta(hours=1))).case_id
        uow.commit()
    station.sync(coord)
    station.sync(idva)
    return coord, idva, case_id


def test_changes_stamped_ten_minutes_ahead_are_quarantined_and_the_laptop_told(station,
                                                                                tmp_path):
    coord, idva, case_id = _case(station)
    station.offset_ms = -10 * MINUTE  # the hub's clock is 10 minutes behind the laptops'
    safety_flags.set_flag(store=idva.store, case_id=case_id, field="do_not_visit", value=True,
                          by="idva")
    report = station.sync(idva)
    assert len(report.quarantined_ops) == 1 and report.clock_ahead_minutes == 10
    words = "\n".join(report.words())
    assert "held back by the hub for review: this laptop's clock is about 10 minutes ahead" in words
    assert "Set this laptop's date and time correctly" in words
    assert report.clock_warning and "about 10 minutes ahead" in report.clock_warning
    with station.database.begin(read_only=True) as conn:
        held = conn.execute(select(hub_ops.c.entity, hub_ops.c.quarantined)
                            .where(hub_ops.c.entity == "safety")).one()
    assert held.quarantined is True
    figures = status.status(station.database, data_dir=tmp_path)
    assert figures["quarantined_ops"] == 1
    (listed,) = hub_conflicts.quarantined(station.database)
    assert listed["ops"] == 1 and listed["label"] == "idva"
    # Not applied: the hub's copy came back to the laptop, and the coordinator never sees it.
    assert safety_flags.case_flags(store=idva.store, case_id=case_id).do_not_visit is None
    station.sync(coord)
    assert safety_flags.case_flags(store=coord.store, case_id=case_id).do_not_visit is None


def test_a_laptop_two_days_behind_syncs_is_warned_and_orders_its_changes_after_the_hubs(station):
    coord, idva, case_id = _case(station)
    station.offset_ms = 2 * 24 * 60 * MINUTE  # the hub is 2 days ahead: both laptops behind
    safety_flags.set_flag(store=coord.store, case_id=case_id, field="do_not_contact",
                          value=True, by="coord")
    warned = station.sync(coord)
    assert warned.ok and warned.quarantined_ops == []
    assert "about 2880 minutes behind" in (warned.clock_warning or "")
    assert station.sync(idva).changed_cases == 1
    # Having seen the coordinator's change, the IDVA lifts it: its clock reading follows the
    # hub's (HLC receive rule), so it sorts after, although its wall clock is 2 days behind.
    safety_flags.set_flag(store=idva.store, case_id=case_id, field="do_not_contact",
                          value=False, by="idva")
    assert station.sync(idva).ok and station.sync(coord).ok
    for laptop in (coord, idva):
        assert safety_flags.case_flags(store=laptop.store, case_id=case_id).do_not_contact is False
    assert hub_conflicts.open_conflicts(station.database, station.keys) == []
    with station.database.begin(read_only=True) as conn:
        stamps = [h for (h,) in conn.execute(select(hub_ops.c.hlc)
                                             .where(hub_ops.c.entity == "safety")
                                             .order_by(hub_ops.c.hlc))]
    assert len(stamps) == 2 and int(stamps[1][:15]) > int(stamps[0][:15])
