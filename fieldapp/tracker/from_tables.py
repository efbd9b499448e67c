"""One case's rows (as ``sync.protocol.replay.CaseTables`` holds them) as tracker v1 rows.

The same projection as ``fieldapp.services.tracker_rows`` makes from the vault, value for value,
so the hub's tracker export of a case equals the laptop's own: offers through the KPI engine's
readings of each stored status (kpi_stored), the app's own risk checklist before a sheet's DASH
score and MARAC referral, the sheet's goals before the victim's latest stated ones, the case's
allocation when the visit names no IDVA. Duck-typed on the attributes (this package may not
import the wire protocol): ``case``, ``visits``, ``offers``, ``risk_assessments``,
``tracker_extras``, ``outcomes`` and ``voice_entries``, rows as mappings of column names to
plain values (ids as text or UUIDs, aware datetimes, bools).
"""

from __future__ import annotations

from typing import Any

from fieldapp.domain.enums import OfferStatus
from fieldapp.domain.staff_code import allocation_code
from fieldapp.tracker.kpi_stored import REFERRAL_FOR_STATUS, SUPPORT_FOR_STATUS
from fieldapp.tracker.row import REFERRAL_COLUMNS, TrackerRow

REFERRAL_COLUMN = {column.removeprefix("ref_").upper(): column for column in REFERRAL_COLUMNS}
"""Referral target -> tracker column (services.tracker_rows.REFERRAL_COLUMN; tested equal)."""


def _latest_goals(voice_entries: Any) -> list[str]:
    """The goals of the latest entry (by recorded time; the later written of a tie) with any."""
    goals: list[str] = []
    for entry in sorted(voice_entries, key=lambda e: e["recorded_at"]):  # stable: ties keep order
        if entry["goals"]:
            goals = entry["goals"]
    return goals


def tracker_rows_from_tables(tables: Any) -> list[TrackerRow]:
    """The case's visits as TrackerRows, in the export's order (police visit, then visit id)."""
    case = tables.case
    if case is None:
        return []
    offers: dict[str, list[Any]] = {}
    for offer in tables.offers:
        offers.setdefault(str(offer["visit_id"]), []).append(offer)
    risks = {str(r["visit_id"]): r for r in tables.risk_assessments}
    extras = {str(x["visit_id"]): x for x in tables.tracker_extras}
    outcome = next((o["outcome_code"] for o in tables.outcomes), None)
    goals = _latest_goals(tables.voice_entries)
    rows = [_row(case, visit, offers.get(str(visit["id"]), ()), risks.get(str(visit["id"])),
                 extras.get(str(visit["id"])), outcome, goals)
            for visit in sorted(tables.visits, key=lambda v: str(v["id"]))]
    return rows


def _row(case: Any, visit: Any, offers: Any, risk: Any, extra: Any, outcome: str | None,
         goals: list[str]) -> TrackerRow:
    extra_goals = tuple(extra["victim_goals"]) if extra is not None and extra["victim_goals"] else ()
    data: dict = {
        "visit_id": str(visit["id"]), "police_incident_ref": case["police_ref"], "bcu": case["bcu"],
        "district": case["district"] or None, "police_visit_at": case["police_visit_at"],
        "idva_visit_at": visit["idva_visit_at"],
        # The allocation only when it is a staff code, as the laptop's own export does.
        "idva_code": visit["idva_code"] or allocation_code(case["allocated_to"]),
        "visit_mode": visit["mode"], "police_risk_grade": visit["police_risk_grade"],
        "repeat_victim": visit["repeat_victim"], "repeat_suspect": visit["repeat_suspect"],
        "children_in_household": visit["children_in_household"], "outcome_code": outcome,
        "victim_goals": extra_goals if extra_goals else tuple(goals),
    }
    if risk is not None and risk["answers"] is not None:  # the app's checklist is the record
        data["dash_score"], data["marac_referral"] = risk["yes_count"], risk["marac_referral"]
    elif extra is not None:
        data["dash_score"], data["marac_referral"] = extra["dash_score"], extra["marac_referral"]
    for offer in offers:
        offer_type, target, status = offer["offer_type"], offer["target"], offer["status"]
        if status not in SUPPORT_FOR_STATUS:
            OfferStatus(status)  # an unknown status fails loudly, as tracker_rows does
        if offer_type == "IDVA_SUPPORT":
            data["idva_support"] = SUPPORT_FOR_STATUS[status]
        elif offer_type == "PROSECUTION_SUPPORT":
            data["prosecution_support"] = SUPPORT_FOR_STATUS[status]
        elif offer_type == "REFERRAL" and target in REFERRAL_COLUMN:
            data[REFERRAL_COLUMN[target]] = REFERRAL_FOR_STATUS.get(status)
    return TrackerRow.model_validate(data)
