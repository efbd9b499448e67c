"""Convergence (T16, T17) through the real hub service and a real laptop vault: three devices'
bundles delivered in any interleaving, with any bundle delivered again, leave the hub with the
same cases, conflicts and scope as in-order delivery; the pages a laptop pulls, applied in any
order and any number of times, leave it with the same rows, and its cursor never moves back.

Examples per run: FIELDAPP_CONVERGENCE_EXAMPLES (default 6 for ``make test``; ``make
reliability`` may set more)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hub"))
from db_fixtures import (  # noqa: E402
    CaseIds,
    Laptop,
    new_case_ops,
    safe_contact_op,
    visit_op,
    voice_op,
)

from fieldapp.services.sync import pages, state  # noqa: E402
from fieldapp.store import Store, schema  # noqa: E402
from fieldapp.store.engine import open_engine  # noqa: E402
from sync.hub import keys as hub_keys_module  # noqa: E402
from sync.hub.service import casedata, enrol, pull, push  # noqa: E402
from sync.hub.service.devices import load  # noqa: E402
from sync.hub.store import tables as t  # noqa: E402
from sync.hub.store.db import Database  # noqa: E402
from sync.protocol.models import Op  # noqa: E402

EXAMPLES = int(os.environ.get("FIELDAPP_CONVERGENCE_EXAMPLES", "6"))
T0 = 1_790_000_000_000
HUB_NOW = T0 + 3_600_000
_TMP = Path(tempfile.mkdtemp(prefix="convergence-"))
KEYS = hub_keys_module.create(_TMP / "hubdata")

DEVICES = {"C": ("coordinator", ""), "A": ("idva", "IDVA01"), "B": ("idva", "IDVA02")}
LAPTOPS = {name: Laptop(hub=KEYS, author=f"user {name}") for name in DEVICES}


def _flag(laptop: Laptop, ids: CaseIds, field: str, value: Any, at: int, base: str = "") -> Op:
    return laptop.op("safety", ids.case_id, ids.case_id,
                     {"field": field, "value": value, "base": base}, at_ms=T0 + at)


def _at(op: Op, at: int) -> Op:
    return op.model_copy(update={"hlc": f"{T0 + at:015d}{op.hlc[15:]}"})


def _plan() -> dict[str, list[bytes]]:
    """Each device's sealed bundles, in its own order (the clocks fix every op's place)."""
    c, a, b = LAPTOPS["C"], LAPTOPS["A"], LAPTOPS["B"]
    ids, made = new_case_ops(c, allocated_to="IDVA01")
    made = [_at(op, i) for i, op in enumerate(made)]
    safe_a = _at(safe_contact_op(a, ids, "07700 900001"), 20).model_copy(
        update={"value": {**safe_contact_op(a, ids, "x").value, "safe_number": "1", "base": ""}})
    safe_b = _at(safe_contact_op(b, ids, "x"), 21).model_copy(
        update={"value": {**safe_contact_op(b, ids, "x").value, "safe_number": "2", "base": ""}})
    resolution = a.op("resolution", safe_b.op_id, ids.case_id, {
        "conflict_id": safe_b.op_id, "case_id": ids.case_id, "field": "safe_contact",
        "chosen": safe_a.op_id, "reason": "checked with her"}, at_ms=T0 + 40)
    second, more = new_case_ops(c, allocated_to="IDVA02")
    made += [_at(op, 5 + i) for i, op in enumerate(more)]
    return {
        "C": [c.bundle(made),
              c.bundle([_flag(c, ids, "do_not_contact", True, 10),
                        c.op("case", ids.case_id, ids.case_id, {"allocated_to": "IDVA02"},
                             at_ms=T0 + 30)]),
              c.bundle([_at(voice_op(c, CaseIds(case_id=second.case_id), "coordinator"), 61)])],
        "A": [a.bundle([_flag(a, ids, "do_not_contact", False, 11), safe_a]),
              a.bundle([_at(visit_op(a, ids, note="from A"), 25), _at(voice_op(a, ids, "a"), 26)]),
              a.bundle([resolution])],
        "B": [b.bundle([_flag(b, ids, "risk_grade", "HIGH", 12), safe_b,
                        _flag(b, ids, "do_not_contact", None, 13)]),
              b.bundle([_at(voice_op(b, ids, "b"), 27), _at(visit_op(b, ids, note="from B"), 28),
                        _at(voice_op(b, CaseIds(case_id=second.case_id), "on the second"), 60)])],
    }


PLAN = _plan()


def make_store(path: Path) -> Store:
    """A real SQLCipher store migrated to head (no vault), as tests/conftest.py makes one."""
    engine = open_engine(path, os.urandom(32).hex())
    schema.upgrade(engine, db_path=path)
    return Store(engine, db_path=path, actor="tester")


def _hub(path: Path) -> Database:
    db = Database(f"sqlite:///{path.as_posix()}")
    db.upgrade()
    for name, (role, code) in DEVICES.items():
        made = enrol.make_code(db, user=f"user {name}", role=role, staff_code=code, now_ms=T0)
        enrol.enrol(db, KEYS, request=LAPTOPS[name].enrol_request(made), ca_pem="x",
                    max_bundle_bytes=1024 * 1024, now_ms=T0)
    return db


def _deliver(db: Database, name: str, body: bytes) -> None:
    with db.begin(read_only=True) as conn:
        device = load(conn, LAPTOPS[name].device_id)
    push.accept_bundle(db, KEYS, device=device, body=body, max_bytes=1024 * 1024, now_ms=HUB_NOW)


def _hub_state(db: Database) -> dict[str, Any]:
    with db.begin(read_only=True) as conn:
        scope = sorted(conn.execute(select_scope()).all())
        ids = [row[0] for row in scope]
        rebuilt = {cid: casedata.tables_of(cid, o) for cid, o in casedata.case_ops(conn, KEYS, ids).items()}
        found = [(r.conflict_id, r.case_id, r.field, r.state, r.created_at, r.resolved_at,
                  r.resolved_by, casedata.open_detail(KEYS, conflict_id=r.conflict_id,
                                                      sealed=r.detail))
                 for r in conn.execute(t.conflicts.select().order_by(t.conflicts.c.conflict_id))]
        refused = sorted(conn.execute(t.ops.select().with_only_columns(
            t.ops.c.op_id, t.ops.c.refused, t.ops.c.quarantined)).all())
    return {"scope": scope, "cases": rebuilt, "conflicts": found, "refused": refused}


def select_scope():  # noqa: ANN201
    return t.cases.select().with_only_columns(t.cases.c.case_id, t.cases.c.allocated_to,
                                              t.cases.c.bcu, t.cases.c.police_ref)


def _in_order(path: Path) -> Database:
    db = _hub(path)
    for name in ("C", "A", "B"):
        for body in PLAN[name]:
            _deliver(db, name, body)
    return db


REFERENCE = _hub_state(_in_order(_TMP / "reference.db"))


@st.composite
def deliveries(draw: st.DrawFn) -> list[tuple[str, int]]:
    """An interleaving of the devices' bundles (each device's in its own order, the cases'
    creation first: no IDVA's laptop holds a case before the hub does, and the hub refuses an
    IDVA's op of a case it has no record of), with repeats of any bundle already delivered."""
    left = {name: list(range(len(bodies))) for name, bodies in PLAN.items()}
    done: list[tuple[str, int]] = [("C", left["C"].pop(0))]
    while any(left.values()):
        if draw(st.integers(0, 4)) == 0:
            done.append(draw(st.sampled_from(done)))  # delivered again (a lost reply's retry)
        name = draw(st.sampled_from(sorted(n for n, rest in left.items() if rest)))
        done.append((name, left[name].pop(0)))
    return done


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(deliveries())
def test_any_interleaving_and_repeat_of_three_devices_bundles_gives_the_same_hub(order):
    with tempfile.TemporaryDirectory() as folder:
        db = _hub(Path(folder) / "hub.db")
        try:
            for name, index in order:
                _deliver(db, name, PLAN[name][index])
            assert _hub_state(db) == REFERENCE
        finally:
            db.dispose()


def test_the_reference_hub_holds_the_expected_conflicts():
    states = {(c[2], c[3]) for c in REFERENCE["conflicts"]}
    assert states == {("do_not_contact", "open"), ("safe_contact", "resolved")}
    (dnc,) = [c for c in REFERENCE["conflicts"] if c[2] == "do_not_contact"]
    assert dnc[7]["in_force"]["value"] is True
    assert sorted(s["value"] for s in dnc[7]["sides"] if s["value"] is not None) == [False, True]
    assert {row[1] for row in REFERENCE["scope"]} == {"IDVA02"}  # both cases end with IDVA02


# ---- the laptop: pages applied in any order, any number of times (T17) -------------------------

def _pages(db: Database, name: str, limit: int = 1) -> list[pages.Page]:
    out, cursor = [], 0
    while True:
        with db.begin(read_only=True) as conn:
            device = load(conn, LAPTOPS[name].device_id)
        body = pull.changes_page(db, KEYS, device=device, cursor=cursor, limit=limit,
                                 now_ms=HUB_NOW)
        header, payload = LAPTOPS[name].open_page(body)
        out.append(pages.Page(header=header, payload=payload))
        if not header["more"]:
            return out
        cursor = header["cursor_to"]


HUB_DB = _in_order(_TMP / "pages.db")
PAGES = _pages(HUB_DB, "C")
_TABLES = ("incidents", "cases", "visits", "voice_entries", "safe_contacts", "case_flags",
           "sync_conflicts", "field_history", "field_versions", "sync_cases")


def _laptop_rows(store) -> dict[str, list[tuple]]:  # noqa: ANN001
    with store.uow(read_only=True) as uow:
        db = uow.dbapi()
        return {name: sorted(map(tuple, db.execute(f"SELECT * FROM {name}").fetchall()),
                             key=repr) for name in _TABLES}


def _apply_all(store, order: list[int]) -> list[int]:  # noqa: ANN001
    cursors = []
    for index in order:
        with store.uow() as uow:
            before = state.get_int(uow.dbapi(), state.CURSOR, 0)
            cursors.append(pages.apply_page(uow=uow, page=PAGES[index], result=pages.Applied(),
                                            cursor_before=before))
            uow.commit()
    return cursors


_IN_ORDER_STORE = make_store(_TMP / "in-order.db")
_apply_all(_IN_ORDER_STORE, list(range(len(PAGES))))
LAPTOP_REFERENCE = _laptop_rows(_IN_ORDER_STORE)
_IN_ORDER_STORE.close()


def test_the_coordinators_pages_rebuild_both_cases_with_their_conflicts():
    assert len(PAGES) == 2  # one case a page
    assert len(LAPTOP_REFERENCE["cases"]) == 2 and len(LAPTOP_REFERENCE["voice_entries"]) == 4
    assert sorted(row[3] for row in LAPTOP_REFERENCE["sync_conflicts"]) == ["open", "resolved"]
    (flags,) = LAPTOP_REFERENCE["case_flags"]
    assert flags[1] == 1 and flags[3] == "HIGH"  # do not contact in force; risk grade HIGH


@st.composite
def page_orders(draw: st.DrawFn) -> list[int]:
    """The pages in the order the laptop asks for them, with any page already applied arriving
    again at any later point (a reply file applied twice, a late duplicate)."""
    order: list[int] = []
    for index in range(len(PAGES)):
        order.append(index)
        order += draw(st.lists(st.integers(0, index), max_size=2))
    return order


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page_orders())
def test_pages_applied_out_of_order_and_twice_leave_the_same_laptop(order):
    with tempfile.TemporaryDirectory() as folder:
        store = make_store(Path(folder) / "laptop.db")
        try:
            cursors = _apply_all(store, order)
            assert cursors == sorted(cursors), "the cursor moved back"
            assert _laptop_rows(store) == LAPTOP_REFERENCE
        finally:
            store.close()
