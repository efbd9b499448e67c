"""The vault's visits as tracker v1 rows: the projection export and import comparisons use.

(The KPIs count the same stored values without building rows: services.kpi, tracker.kpi_stored;
both read offer statuses through the same tables, and tests hold the two paths equal.)

Built with a handful of set-based queries (per 2,000 named visits, or one scan per table for
all of them), reading only the columns a tracker row needs as plain tuples (no ORM objects, no
per-value type processing: the stored text is decoded here directly), so 100,000 visits project
in seconds. Every row still goes through TrackerRow validation.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

from fieldapp.domain.enums import OfferStatus
from fieldapp.services.identity import normalise_staff_code, staff_code_problem
from fieldapp.store.uow import UnitOfWork
from fieldapp.tracker import TrackerRow
from fieldapp.tracker.kpi_stored import REFERRAL_FOR_STATUS, SUPPORT_FOR_STATUS

REFERRAL_COLUMN = {
    "REFUGE": "ref_refuge", "HOUSING": "ref_housing", "MENTAL_HEALTH": "ref_mental_health",
    "DRUG_ALCOHOL": "ref_drug_alcohol", "CHILDRENS_SOCIAL_CARE": "ref_childrens_social_care",
}
COLUMN_REFERRAL = {v: k for k, v in REFERRAL_COLUMN.items()}

BATCH = 2000


def _when(text: str | None) -> datetime | None:
    """A stored UtcDateTime ('2022-10-29T18:45:00.000000Z') back to an aware UTC datetime."""
    return None if text is None else datetime.fromisoformat(text)


def _flag(value: int | None) -> bool | None:
    return None if value is None else bool(value)


_VISITS = (
    "SELECT v.id, v.idva_visit_at, v.idva_code, v.mode, v.police_risk_grade, v.repeat_victim,"
    " v.repeat_suspect, v.children_in_household, c.id, c.police_ref, c.bcu, c.district,"
    " c.police_visit_at, c.allocated_to FROM visits v JOIN cases c ON v.case_id = c.id")
_ORDER = " ORDER BY c.police_visit_at, v.id"


def _owner(conn: Any) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = 'owner_user'").fetchone()
    return "" if row is None else row[0]


class _AllocationCodes:
    """The tracker's ``idva_code``: the visit's IDVA code as recorded, else the case's allocation
    when that is a staff code; never the vault user's name (allocations made before staff codes
    existed held it, and the visit form copied them), so the column carries no person's name."""

    def __init__(self, owner: str):
        # A name typed exactly as a staff code ("IDVA01") is one: what it marks is no person's
        # name, and a sheet's rows carrying that code must export as imported.
        typed = owner.strip()
        is_code = bool(typed) and typed == normalise_staff_code(typed) and not staff_code_problem(typed)
        self._owner = "" if is_code else typed.casefold()
        self._allocations: dict[str, str | None] = {}

    def __call__(self, visit_code: str | None, allocated_to: str | None) -> str | None:
        if visit_code and visit_code.strip().casefold() != self._owner:
            return visit_code
        if not allocated_to:
            return None
        code = self._allocations.get(allocated_to, "")
        if code == "":
            ok = (not staff_code_problem(allocated_to)
                  and allocated_to.strip().casefold() != self._owner)
            code = normalise_staff_code(allocated_to) if ok else None
            self._allocations[allocated_to] = code
        return code


def tracker_rows(*, uow: UnitOfWork, visit_ids: list[UUID] | None = None) -> Iterator[TrackerRow]:
    """Every visit (or the named ones) as a TrackerRow, in police-visit order."""
    # Plain reads on the session's own connection, inside its transaction: the DBAPI cursor hands
    # back tuples without SQLAlchemy's per-row Row objects.
    conn = uow.dbapi()
    codes = _AllocationCodes(_owner(conn))
    if visit_ids is None:
        yield from _all_rows(conn, codes)
        return
    wanted = json.dumps([str(i) for i in visit_ids])
    ids = [i for (i,) in conn.execute(
        "SELECT v.id FROM visits v JOIN cases c ON v.case_id = c.id"
        " WHERE v.id IN (SELECT value FROM json_each(?))" + _ORDER, (wanted,))]
    for start in range(0, len(ids), BATCH):
        yield from _batch(conn, ids[start:start + BATCH], codes)


def _all_rows(conn: Any, codes: _AllocationCodes) -> Iterator[TrackerRow]:
    """Every visit: each table read once in a sequential scan (at 100,000 visits, batches of
    primary-key probes into random-UUID indexes cost three times as much), then the visits
    streamed in order. The per-visit details are held as shared tuples: tens of MB at most."""
    related = _Related(conn, "", (), "", (), codes)
    goal_lists: dict[str, tuple] = {}
    for visit in conn.execute(_VISITS + _ORDER):
        yield related.row(visit, goal_lists)


def _marks(values: list | tuple) -> str:
    return ", ".join("?" for _ in values)


def _batch(conn: Any, ids: list[str], codes: _AllocationCodes) -> Iterator[TrackerRow]:
    marks, params = _marks(ids), tuple(ids)
    visits = {r[0]: r for r in conn.execute(_VISITS + f" WHERE v.id IN ({marks})", params)}
    case_ids = tuple({r[8] for r in visits.values()})
    related = _Related(conn, f" WHERE visit_id IN ({marks})", params,
                       f" WHERE case_id IN ({_marks(case_ids)})", case_ids, codes)
    goal_lists: dict[str, tuple] = {}
    for visit_id in ids:
        visit = visits.get(visit_id)
        if visit is not None:
            yield related.row(visit, goal_lists)


class _Related:
    """Offers, checklists, tracker extras, outcomes and voice goals of some visits (or all)."""

    def __init__(self, conn: Any, by_visit: str, visit_params: tuple, by_case: str,
                 case_params: tuple, codes: _AllocationCodes):
        self.codes = codes
        shared: dict[tuple, tuple] = {}  # a few hundred distinct values, shared by every visit
        self.offers: dict[str, list[tuple]] = defaultdict(list)
        for visit_id, *offer in conn.execute(
                "SELECT visit_id, offer_type, target, status FROM offers" + by_visit, visit_params):
            self.offers[visit_id].append(shared.setdefault(tuple(offer), tuple(offer)))
        self.risks = {r[0]: r[1:] for r in conn.execute(
            "SELECT visit_id, answers IS NOT NULL, yes_count, marac_referral FROM risk_assessments"
            + by_visit, visit_params)}
        self.extras = {r[0]: shared.setdefault(r[1:], r[1:]) for r in conn.execute(
            "SELECT visit_id, dash_score, marac_referral, victim_goals FROM tracker_extras"
            + by_visit, visit_params)}
        self.outcomes: dict[str, str] = {}
        self.goals: dict[str, list[str]] = {}
        if by_case and not case_params:
            return
        self.outcomes = {case_id: code for case_id, code in conn.execute(
            "SELECT case_id, outcome_code FROM outcomes" + by_case, case_params)}
        for case_id, text in conn.execute(
                "SELECT case_id, goals FROM voice_entries" + by_case + " ORDER BY recorded_at",
                case_params):
            entry_goals = json.loads(text) if text is not None else None
            if entry_goals:
                self.goals[case_id] = entry_goals  # the latest entry with goals wins

    def row(self, visit: tuple, goal_lists: dict[str, tuple]) -> TrackerRow:
        visit_id, case_id = visit[0], visit[8]
        return _row(visit, self.offers.get(visit_id, ()), self.risks.get(visit_id),
                    self.extras.get(visit_id), self.outcomes.get(case_id),
                    self.goals.get(case_id, []), goal_lists, self.codes)


_SUPPORT_TEXT = SUPPORT_FOR_STATUS  # the KPIs counted from the vault read statuses the same way
_REFERRAL_TEXT = REFERRAL_FOR_STATUS


def _row(visit: tuple, offers, risk: tuple | None, extra: tuple | None, outcome: str | None,
         goals: list[str], goal_lists: dict[str, tuple], codes: _AllocationCodes) -> TrackerRow:
    (visit_id, idva_at, idva_code, mode, grade, repeat_victim, repeat_suspect, children,
     _case_id, police_ref, bcu, district, police_at, allocated_to) = visit
    extra_goals = None
    if extra is not None and extra[2] is not None:
        extra_goals = goal_lists.get(extra[2])
        if extra_goals is None:  # a handful of distinct goal lists: decode each once
            extra_goals = goal_lists[extra[2]] = tuple(json.loads(extra[2]))
    data: dict = {
        "visit_id": visit_id, "police_incident_ref": police_ref, "bcu": bcu,
        "district": district or None, "police_visit_at": _when(police_at),
        "idva_visit_at": _when(idva_at), "idva_code": codes(idva_code, allocated_to),
        "visit_mode": mode, "police_risk_grade": grade,
        "repeat_victim": _flag(repeat_victim), "repeat_suspect": _flag(repeat_suspect),
        "children_in_household": children, "outcome_code": outcome,
        "victim_goals": extra_goals if extra_goals else tuple(goals),
    }
    if risk is not None and risk[0]:  # (has answers, yes count, MARAC referral)
        data["dash_score"], data["marac_referral"] = risk[1], _flag(risk[2])
    elif extra is not None:  # (DASH score, MARAC referral, goals JSON)
        data["dash_score"], data["marac_referral"] = extra[0], _flag(extra[1])
    for offer_type, target, status in offers:
        if status not in _SUPPORT_TEXT:
            OfferStatus(status)  # an unknown status fails loudly, as it always has
        if offer_type == "IDVA_SUPPORT":
            data["idva_support"] = _SUPPORT_TEXT[status]
        elif offer_type == "PROSECUTION_SUPPORT":
            data["prosecution_support"] = _SUPPORT_TEXT[status]
        elif offer_type == "REFERRAL" and target in REFERRAL_COLUMN:
            data[REFERRAL_COLUMN[target]] = _REFERRAL_TEXT.get(status)
    return TrackerRow.model_validate(data)
