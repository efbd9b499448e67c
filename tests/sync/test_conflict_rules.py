"""Conflict rules of ``sync.protocol.replay`` (research/sync_crypto.md section 7): safety-critical
fields changed from the same base keep both values with the restrictive one in force until a
resolution; ordinary fields are last writer wins by clock with the loser in the history; visits
and voice entries never conflict; any order and any duplication of the same ops gives the same
tables (T16, T17 at the replay level; the hub level is in test_sync_convergence.py)."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.protocol import safety
from sync.protocol.models import Op
from sync.protocol.replay import replay

CASE = "11111111-1111-4111-8111-111111111111"
INCIDENT = "22222222-2222-4222-8222-222222222222"
VISIT = "33333333-3333-4333-8333-333333333333"
T0 = 1_790_000_000_000


def _id(n: int) -> str:
    return str(uuid.UUID(int=n, version=4))


def op(n: int, entity: str, value: dict, *, at: int, node: str = "a", entity_id: str = CASE,
       author: str = "") -> Op:
    return Op(op_id=_id(n), entity=entity, entity_id=entity_id, case_id=CASE, kind="upsert",
              value=value, hlc=f"{T0 + at:015d}-00000-{node}", author=author or f"user-{node}")


BASE = [
    op(1, "incident", {"police_ref": "LC-1", "bcu": "WEST", "district": "FYLDE",
                       "police_visit_at": "2026-01-01T10:00:00+00:00", "officers": [],
                       "victim_name": "", "allocated_to": "IDVA01"}, at=0, entity_id=INCIDENT,
       node="c"),
    op(2, "case", {"incident_id": INCIDENT, "visit_id": VISIT, "allocated_to": "IDVA01"}, at=1,
       node="c"),
]


def flag(n: int, field: str, value, *, at: int, node: str, base: str | None) -> Op:
    body = {"field": field, "value": value}
    if base is not None:
        body["base"] = base
    return op(n, "safety", body, at=at, node=node)


def safe(n: int, number: str, *, at: int, node: str, base: str | None) -> Op:
    body = {"method": "PHONE", "safe_number": number, "safe_times": "", "voicemail_ok": False,
            "text_ok": True}
    if base is not None:
        body["base"] = base
    return op(n, "safe_contact", body, at=at, node=node)


def test_two_devices_changing_do_not_contact_from_one_base_keep_both_and_true_wins():
    a = flag(10, "do_not_contact", False, at=100, node="a", base="")
    b = flag(11, "do_not_contact", True, at=50, node="b", base="")
    for order in ([*BASE, a, b], [b, *BASE, a], [a, b, *BASE]):
        tables = replay(order)
        (conflict,) = tables.conflicts
        assert conflict["state"] == "open" and conflict["field"] == "do_not_contact"
        assert [s["value"] for s in conflict["sides"]] == [True, False]  # clock order
        assert conflict["in_force"]["value"] is True
        assert tables.case_flags[0]["do_not_contact"] is True
        assert {s["by"] for s in conflict["sides"]} == {"user-a", "user-b"}


def test_the_restrictive_value_of_each_flag():
    assert safety.in_force("risk_grade", [{"value": "MEDIUM"}, {"value": "HIGH"},
                                          {"value": None}])["value"] == "HIGH"
    assert safety.in_force("marac_referral", [{"value": False}, {"value": True}])["value"] is True
    assert safety.in_force("do_not_visit", [{"value": None}, {"value": False}])["value"] is False
    sides = [{"value": {"safe_number": "1"}}, {"value": {"safe_number": "2"}}]
    assert safety.in_force("safe_contact", sides) is sides[-1]  # both shown; the newest in force


def test_a_change_made_after_seeing_the_other_is_not_a_conflict_and_the_loser_is_history():
    a = flag(10, "risk_grade", "MEDIUM", at=10, node="a", base="")
    b = flag(11, "risk_grade", "STANDARD", at=20, node="b", base=a.op_id)
    tables = replay([*BASE, a, b])
    assert tables.conflicts == () and tables.case_flags[0]["risk_grade"] == "STANDARD"
    (old,) = [h for h in tables.field_history if h["field"] == "risk_grade"]
    assert old["value"] == {"v": "MEDIUM"} and old["replaced_by"] == b.op_id
    assert {v["field"]: v["op_id"] for v in tables.field_versions}["risk_grade"] == b.op_id


def test_the_same_value_from_the_same_base_agrees_and_old_ops_without_a_base_are_last_writer():
    a = flag(10, "do_not_visit", True, at=10, node="a", base="")
    b = flag(11, "do_not_visit", True, at=20, node="b", base="")
    assert replay([*BASE, a, b]).conflicts == ()
    old_a = flag(12, "marac_referral", True, at=30, node="a", base=None)
    old_b = flag(13, "marac_referral", False, at=40, node="b", base=None)
    tables = replay([*BASE, old_a, old_b])
    assert tables.conflicts == () and tables.case_flags[0]["marac_referral"] is False


def test_safe_contact_details_keep_both_and_a_resolution_clears_the_conflict():
    a = safe(10, "07700 900001", at=10, node="a", base="")
    b = safe(11, "07700 900002", at=20, node="b", base="")
    tables = replay([*BASE, a, b])
    (conflict,) = tables.conflicts
    assert [s["value"]["safe_number"] for s in conflict["sides"]] == ["07700 900001",
                                                                      "07700 900002"]
    assert safety.value_label("safe_contact", conflict["sides"][0]["value"]).startswith(
        "phone, number 07700 900001")
    resolution = op(20, "resolution", {"conflict_id": conflict["conflict_id"], "case_id": CASE,
                                       "field": "safe_contact", "chosen": a.op_id,
                                       "reason": "confirmed with her by phone"},
                    at=30, node="a", entity_id=conflict["conflict_id"])
    done = replay([*BASE, a, b, resolution])
    (closed,) = done.conflicts
    assert closed["state"] == "resolved" and closed["reason"] == "confirmed with her by phone"
    assert done.safe_contacts[0]["safe_number"] == "07700 900001"
    assert [h["value"]["v"]["safe_number"] for h in done.field_history
            if h["field"] == "safe_contact"] == ["07700 900002"]
    # A later change based on the resolution is ordinary again; one made before seeing it
    # (based on an older op) opens a new conflict.
    later = safe(21, "07700 900003", at=40, node="b", base=resolution.op_id)
    assert replay([*BASE, a, b, resolution, later]).conflicts[0]["state"] == "resolved"
    stale = safe(22, "07700 900004", at=40, node="c", base=a.op_id)
    assert [c["state"] for c in replay([*BASE, a, b, resolution, stale]).conflicts] == [
        "resolved", "open"]


def test_a_resolution_of_an_unknown_conflict_is_invalid_and_changes_nothing():
    bogus = op(30, "resolution", {"conflict_id": _id(99), "case_id": CASE, "field": "x",
                                  "chosen": _id(98), "reason": "r"}, at=5, node="a",
               entity_id=_id(99))
    tables = replay([*BASE, bogus])
    assert tables.invalid_ops == (bogus.op_id,) and tables.conflicts == ()


def test_visits_and_voice_entries_never_conflict():
    visits = [op(40 + i, "visit", {"idva_visit_at": "2026-01-01T12:00:00+00:00",
                                   "mode": "PHONE", "note": f"from {node}"},
                 at=10 + i, node=node, entity_id=VISIT) for i, node in enumerate("ab")]
    voice = [op(50 + i, "voice", {"words": f"words {node}"}, at=10 + i, node=node,
                entity_id=_id(60 + i)) for i, node in enumerate("ab")]
    tables = replay([*BASE, *visits, *voice])
    assert tables.conflicts == () and len(tables.voice_entries) == 2
    assert tables.visits[0]["note"] == "from b"


def _three_devices() -> list[Op]:
    """Three devices editing one case from the same base: safety flags, safe contact, an
    allocation, visits and voice entries, a resolution."""
    made = list(BASE)
    made += [flag(100, "do_not_contact", True, at=100, node="a", base=""),
             flag(101, "do_not_contact", False, at=101, node="b", base=""),
             flag(102, "do_not_contact", None, at=102, node="c", base=""),
             flag(103, "risk_grade", "HIGH", at=103, node="b", base=""),
             flag(104, "risk_grade", "MEDIUM", at=104, node="c", base=_id(103)),
             safe(105, "1", at=105, node="a", base=""), safe(106, "2", at=106, node="b", base=""),
             op(107, "case", {"allocated_to": "IDVA02"}, at=107, node="c"),
             op(108, "voice", {"words": "a"}, at=108, node="a", entity_id=_id(200)),
             op(109, "voice", {"words": "b"}, at=109, node="b", entity_id=_id(201)),
             op(110, "resolution", {"conflict_id": _id(106), "case_id": CASE,
                                    "field": "safe_contact", "chosen": _id(106), "reason": "r"},
                at=110, node="c", entity_id=_id(106))]
    return made


ALL = _three_devices()


@settings(max_examples=60, deadline=None)
@given(st.permutations(ALL), st.lists(st.sampled_from(ALL), max_size=8))
def test_any_order_and_duplication_replays_to_the_same_tables(ordered, again):
    assert replay([*ordered, *again]) == replay(ALL)
