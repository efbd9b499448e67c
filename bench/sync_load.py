"""A fleet of simulated laptops (bench/sync_laptop.py) living a day against real hub processes.

``run_day`` enrols the fleet and plays three rounds, every laptop at once in its own thread:

1. each IDVA records new cases (incident, visit, offers, risk, voice, safe contact) and syncs;
   supervisors and the coordinator sync (pull);
2. each IDVA edits its cases (a second visit note, another voice entry) while the coordinator
   pulls, adds a voice entry and a note to a third of the same cases and syncs: the same cases
   are edited by two devices at the same time. Each supervisor tries one such edit too, which
   the hub refuses (a supervisor's laptop is read-only) and lists in its receipt;
3. everyone syncs again (the last pages).

A laptop that cannot sync presses *sync* again (``SimLaptop.sync``), moving to the next hub
address it knows when it has more than one (two hub processes). ``verify`` then compares every
laptop with the hub's database and returns figures that must all be zero.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from bench.sync_laptop import LaptopFailed, Plan, SimLaptop
from sync.hub.keys import HubKeys
from sync.hub.service import casedata, devices, enrol, pull
from sync.hub.store.db import Database
from sync.hub.store.tables import devices as devices_table
from sync.hub.store.tables import ops, received_bundles

TEAM_SIZE = 5
"""Every fifth laptop is its team's supervisor; the last laptop of a fleet of 10+ a coordinator."""


def plans(count: int) -> list[Plan]:
    out = []
    for i in range(count):
        team = f"T{i // TEAM_SIZE}"
        if count >= 10 and i == count - 1:
            out.append(Plan(name=f"Coordinator {i}", role="coordinator", staff_code=f"CO{i:03d}",
                            team="", bcu="WEST"))
        elif i % TEAM_SIZE == TEAM_SIZE - 1:
            out.append(Plan(name=f"Supervisor {i}", role="supervisor", staff_code=f"SU{i:03d}",
                            team=team))
        else:
            out.append(Plan(name=f"IDVA {i}", role="idva", staff_code=f"ID{i:03d}", team=team))
    return out


@dataclass
class Fleet:
    laptops: list[SimLaptop]
    failed: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def by_role(self, role: str) -> list[SimLaptop]:
        return [lap for lap in self.laptops if lap.plan.role == role]


def make_fleet(count: int, *, marker: str = "Q", seed: int = 0) -> Fleet:
    return Fleet([SimLaptop(p, seed=seed * 100_003 + i, marker=marker)
                  for i, p in enumerate(plans(count))])


def enrol_fleet(fleet: Fleet, db: Database, *, ca_pem: str,
                urls: Callable[[int], Sequence[str]], enrol_url: str | None = None,
                workers: int = 16) -> None:
    """A code for each laptop (as ``fieldapp-hub enrol-code`` makes it), then enrolment over
    HTTPS at ``enrol_url`` (at the station desk; default: the laptop's first address).
    ``urls(i)``: the hub addresses laptop ``i`` syncs with, the first one used first."""
    codes = [enrol.make_code(db, user=lap.plan.name, role=lap.plan.role,
                             staff_code=lap.plan.staff_code, bcu=lap.plan.bcu,
                             team=lap.plan.team) for lap in fleet.laptops]

    def one(i: int) -> None:
        lap = fleet.laptops[i]
        lap.urls = list(urls(i))
        lap.enrol(hub_url=enrol_url or lap.urls[0], ca_pem=ca_pem, code=codes[i])
        if lap.hub_url != lap.urls[0]:
            lap.connect(lap.urls[0])

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, range(len(fleet.laptops))))


def _round(fleet: Fleet, name: str, step: Callable[[SimLaptop], None], workers: int) -> None:
    def guarded(lap: SimLaptop) -> None:
        if lap.device_id in fleet.failed:
            return
        try:
            step(lap)
        except LaptopFailed as exc:
            fleet.failed[lap.device_id] = f"{name}: {exc}"

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(guarded, fleet.laptops))
    fleet.seconds[name] = round(time.perf_counter() - started, 2)


def run_day(fleet: Fleet, *, cases: int = 2, workers: int | None = None,
            between: Callable[[str], None] | None = None) -> None:
    """The three rounds; ``between(round_name)`` runs after each (a fault can be injected)."""
    workers = workers or len(fleet.laptops)

    def record(lap: SimLaptop) -> None:
        if lap.plan.role == "idva":
            for _ in range(cases):
                lap.new_case()
        lap.sync()

    def edit(lap: SimLaptop) -> None:
        if lap.plan.role == "idva":
            for n, ids in enumerate(lap.own_cases):
                lap.visit(ids, note=f"second visit {n}")
                lap.voice(ids, words=f"follow-up call {n}")
        else:
            lap.sync()  # the cases in scope so far
            held = lap.held_case_ids()
            # The coordinator adds to a share of everyone's cases while their IDVAs edit them;
            # a supervisor's laptop is read-only (its one try is refused and must be accounted).
            chosen = held[::3] if lap.plan.role == "coordinator" else held[:1]
            for case_id in chosen:
                ids = lap.ids_of_held(case_id)
                if ids is not None:
                    lap.voice(ids, words=f"{lap.plan.role} reviewed the case")
                    lap.visit(ids, note=f"{lap.plan.role} note")
        lap.sync()

    for name, step in (("record", record), ("edit", edit), ("settle", lambda lap: lap.sync())):
        _round(fleet, name, step, workers)
        if between is not None:
            between(name)


# ---- checks ------------------------------------------------------------------------------------

def hub_view(conn: Any, keys: HubKeys, device_id: str) -> dict[str, tuple[int, tuple[str, ...]]]:
    """case id -> (rev, sorted non-quarantined op ids) of the cases in the device's scope."""
    from sync.hub.store.tables import cases

    device = devices.load(conn, device_id)
    if device is None:
        return {}
    revs = dict(conn.execute(select(cases.c.case_id, cases.c.rev)
                             .where(pull.scope_clause(conn, device))).all())
    found = casedata.case_ops(conn, keys, list(revs))
    return {c: (int(rev), tuple(sorted(o.op_id for o in found[c]))) for c, rev in revs.items()}


def verify(fleet: Fleet, db: Database, keys: HubKeys) -> dict[str, Any]:
    """Figures after a run. Every ``*_must_be_zero`` figure must be 0."""
    sealed = Counter(op_id for lap in fleet.laptops for op_id in lap.sealed_op_ids())
    with db.begin(read_only=True) as conn:
        stored = Counter(conn.execute(select(ops.c.op_id)).scalars())
        bundles_by_device = {}
        for device_id, seq in conn.execute(select(received_bundles.c.device_id,
                                                  received_bundles.c.seq)):
            bundles_by_device.setdefault(device_id, []).append(int(seq))
        last_seq = dict(conn.execute(select(devices_table.c.device_id,
                                            devices_table.c.last_seq)).all())
        quarantined = conn.execute(select(func.count()).select_from(ops)
                                   .where(ops.c.quarantined.is_(True))).scalar_one()
        views = {lap.device_id: hub_view(conn, keys, lap.device_id) for lap in fleet.laptops}
    receipts = [s.receipt for lap in fleet.laptops for s in lap.sent]
    bundle_gaps = sum(sorted(bundles_by_device.get(lap.device_id, [])) !=
                      list(range(1, len(lap.sent) + 1)) or last_seq.get(lap.device_id) != len(lap.sent)
                      for lap in fleet.laptops)
    page_gaps = 0
    for lap in fleet.laptops:
        cursor = 0
        for start, end, _more in lap.pages:
            if start not in (cursor, 0):  # 0: a full restore starts again on purpose
                page_gaps += 1
            cursor = end
    view_diffs = sum(lap.view() != views[lap.device_id] for lap in fleet.laptops
                     if lap.device_id not in fleet.failed)
    push_ms = [ms for lap in fleet.laptops for ms in lap.stats.push_ms]
    pull_ms = [ms for lap in fleet.laptops for ms in lap.stats.pull_ms]
    return {
        "laptops": len(fleet.laptops),
        "ops_sealed": sum(sealed.values()),
        "ops_stored": sum(stored.values()),
        "bundles": len(receipts),
        "cases_held": sum(len(lap.held) for lap in fleet.laptops),
        "shared_cases_edited": _shared_cases(fleet),
        "quarantined": int(quarantined),
        "retried_syncs": sum(lap.stats.retried_syncs for lap in fleet.laptops),
        "scope_restarts": sum(lap.scope_mismatches for lap in fleet.laptops),
        "rounds_seconds": fleet.seconds,
        "push_p95_ms": _p95(push_ms), "pull_p95_ms": _p95(pull_ms),
        "ops_lost_must_be_zero": sum(1 for op_id in sealed if op_id not in stored),
        "ops_unknown_must_be_zero": sum(1 for op_id in stored if op_id not in sealed),
        "ops_sealed_twice_must_be_zero": sum(1 for n in sealed.values() if n > 1),
        "bundles_unreceipted_must_be_zero": sum(r is None for r in receipts),
        "bundle_sequences_wrong_must_be_zero": int(bundle_gaps),
        "refused": sum(len(r.get("refused") or []) for r in receipts if r),
        "receipts_not_accounting_each_op_once_must_be_zero": sum(
            1 for lap in fleet.laptops for s in lap.sent if s.receipt is not None and (
                int(s.receipt["applied"]) + len(s.receipt.get("quarantined") or [])
                + len(s.receipt.get("refused") or []) != len(s.op_ids)
                or int(s.receipt["duplicates"]) != 0)),
        "page_gaps_must_be_zero": page_gaps,
        "laptops_differing_from_hub_must_be_zero": int(view_diffs),
        "laptops_stuck_must_be_zero": len(fleet.failed),
        "stuck": sorted(set(fleet.failed.values()))[:5],
    }


def _shared_cases(fleet: Fleet) -> int:
    """Cases that ops from more than one device touched (the same cases edited twice)."""
    authors: dict[str, set[str]] = {}
    for lap in fleet.laptops:
        for item in lap.sent:
            for case_id in item.case_ids:
                authors.setdefault(case_id, set()).add(lap.device_id)
    return sum(len(a) > 1 for a in authors.values())


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return round(values[0], 1) if values else 0.0
    return round(statistics.quantiles(values, n=20)[-1], 1)


def must_be_zero(figures: dict[str, Any]) -> dict[str, int]:
    return {k: v for k, v in figures.items() if k.endswith("_must_be_zero") and v}
