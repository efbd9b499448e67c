"""One whole case read in stored form, and the record the UI receives from it.

Opening a case and saving the case page both end here, so what a save returns is exactly what
opening the case again shows. Rows are read straight from the DB-API cursor of the unit of
work's transaction: the ORM's per-row bookkeeping cost more than SQLCipher itself on these paths
(see docs/benchmarks.md), and each value is decoded exactly as the column types in
``fieldapp.store.types`` would decode it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from fieldapp.domain import records as r
from fieldapp.domain.enums import OfferType
from fieldapp.domain.errors import NotFound
from fieldapp.store.engine import utc_text

REFERRAL = "REFERRAL"
# The visit's own fields, in VisitIn's order; booleans are stored as 0/1.
VISIT_FIELDS = ("idva_visit_at", "mode", "idva_code", "safe_to_talk", "suspect_location",
                "children_in_household", "encompass_notified", "police_risk_grade",
                "repeat_victim", "repeat_suspect", "note")
VISIT_BOOLS = frozenset({"repeat_victim", "repeat_suspect"})
RISK_FIELDS = ("answers", "yes_count", "professional_judgement", "rationale", "da_events_12m",
               "repeat_within_12m", "marac_referral")
SAFE_FIELDS = ("method", "safe_number", "safe_times", "voicemail_ok", "text_ok")
_OFFER_ORDER = {t.value: i for i, t in enumerate(OfferType)}


def read_time(text: str | None) -> datetime | None:
    """``UtcDateTime`` decoding (fixed-width ISO text ending in Z) without strptime's cost."""
    return None if text is None else datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def stored_time(value: datetime | None) -> datetime | None:
    """``value`` as it reads back from the store (UTC, microseconds)."""
    return read_time(utc_text(value))


def _bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


@dataclass
class OfferRow:
    status: str
    decline_reason: str | None


@dataclass
class VisitRow:
    id: UUID
    values: dict[str, Any]  # VISIT_FIELDS, decoded
    updated_at: datetime
    row_version: int
    offers: dict[tuple[str, str], OfferRow] = field(default_factory=dict)  # (type, target)
    risk: dict[str, Any] | None = None  # RISK_FIELDS plus updated_at and row_version


@dataclass
class CaseState:
    id: UUID
    case: dict[str, Any]  # the case row's columns, decoded
    officers: list[str]
    visits: list[VisitRow]
    voice: list[dict[str, Any]]
    safe: dict[str, Any] | None
    outcome: dict[str, Any] | None

    def visit(self, visit_id: UUID) -> VisitRow | None:
        return next((v for v in self.visits if v.id == visit_id), None)


_CASE_COLS = ("incident_id", "pseudonym", "victim_name", "allocated_to", "status", "police_ref",
              "bcu", "district", "police_visit_at", "first_idva_visit_at", "row_version")


# The case with its incident's officers and its one-per-case rows, in one statement.
_CASE_SQL = (
    f"SELECT {', '.join('c.' + k for k in _CASE_COLS)}, i.officers, "
    f"{', '.join('s.' + k for k in SAFE_FIELDS)}, s.row_version, "
    "o.outcome_code, o.outcome_date, o.row_version "
    "FROM cases c JOIN incidents i ON i.id = c.incident_id "
    "LEFT JOIN safe_contacts s ON s.case_id = c.id LEFT JOIN outcomes o ON o.case_id = c.id "
    "WHERE c.id = ?"
)


def load(db: Any, case_id: UUID) -> CaseState:
    """Every row of the case; ``db`` is the DB-API connection of the current transaction."""
    cid = str(case_id)
    row = db.execute(_CASE_SQL, (cid,)).fetchone()
    if row is None:
        raise NotFound("that case is not on this laptop")
    n = len(_CASE_COLS)
    case = dict(zip(_CASE_COLS, row[:n], strict=True))
    officers, safe, outcome = row[n], row[n + 1:n + 7], row[n + 7:]
    case["incident_id"] = UUID(case["incident_id"])
    case["police_visit_at"] = read_time(case["police_visit_at"])
    case["first_idva_visit_at"] = read_time(case["first_idva_visit_at"])
    visits = [_visit_row(v) for v in db.execute(
        f"SELECT id, {', '.join(VISIT_FIELDS)}, updated_at, row_version FROM visits "
        "WHERE case_id = ? ORDER BY created_at, rowid", (cid,))]
    by_id = {str(v.id): v for v in visits}
    if visits:
        for vid, offer_type, target, status, reason in db.execute(
                "SELECT visit_id, offer_type, target, status, decline_reason FROM offers "
                "WHERE visit_id IN (SELECT id FROM visits WHERE case_id = ?)", (cid,)):
            by_id[vid].offers[(offer_type, target)] = OfferRow(status, reason)
        for vid, *values, updated, version in db.execute(
                f"SELECT visit_id, {', '.join(RISK_FIELDS)}, updated_at, row_version "
                "FROM risk_assessments WHERE visit_id IN (SELECT id FROM visits WHERE case_id = ?)",
                (cid,)):
            by_id[vid].risk = _risk(values, updated, version)
    voice = [_voice(v) for v in db.execute(
        "SELECT id, words, verbatim, goals, consent_to_share, consent_scope, corrects, "
        "recorded_at, recorded_by FROM voice_entries WHERE case_id = ? ORDER BY recorded_at, rowid",
        (cid,))]
    return CaseState(
        id=case_id, case=case, officers=json.loads(officers) if officers else [],
        visits=visits, voice=voice,
        safe=None if safe[0] is None else {
            "method": safe[0], "safe_number": safe[1], "safe_times": safe[2],
            "voicemail_ok": bool(safe[3]), "text_ok": bool(safe[4]), "row_version": safe[5]},
        outcome=None if outcome[0] is None else {
            "outcome_code": outcome[0],
            "outcome_date": None if outcome[1] is None else date.fromisoformat(outcome[1]),
            "row_version": outcome[2]},
    )


def _visit_row(row: tuple) -> VisitRow:
    values = dict(zip(VISIT_FIELDS, row[1:-2], strict=True))
    values["idva_visit_at"] = read_time(values["idva_visit_at"])
    for key in VISIT_BOOLS:
        values[key] = _bool(values[key])
    return VisitRow(id=UUID(row[0]), values=values, updated_at=read_time(row[-2]),
                    row_version=row[-1])


def _risk(values: list, updated: str, version: int) -> dict[str, Any]:
    risk = dict(zip(RISK_FIELDS, values, strict=True))
    risk["answers"] = None if risk["answers"] is None else json.loads(risk["answers"])
    risk["professional_judgement"] = bool(risk["professional_judgement"])
    risk["repeat_within_12m"] = bool(risk["repeat_within_12m"])
    risk["marac_referral"] = _bool(risk["marac_referral"])
    risk["updated_at"], risk["row_version"] = read_time(updated), version
    return risk


def _voice(row: tuple) -> dict[str, Any]:
    entry_id, words, verbatim, goals, consent, scope, corrects, at, by = row
    return {"entry_id": UUID(entry_id), "words": words, "verbatim": bool(verbatim),
            "goals": json.loads(goals), "consent_to_share": consent,
            "consent_scope": json.loads(scope), "corrects": None if corrects is None else UUID(corrects),
            "recorded_at": read_time(at), "recorded_by": by}


# ---- to records ------------------------------------------------------------------------------

def visit_out(visit: VisitRow, *, case_id: UUID) -> r.VisitOut:
    offers = sorted(((k, o) for k, o in visit.offers.items() if k[0] != REFERRAL),
                    key=lambda item: _OFFER_ORDER[item[0][0]])
    referrals = sorted(((k, o) for k, o in visit.offers.items() if k[0] == REFERRAL),
                       key=lambda item: item[0][1])
    risk = visit.risk
    return r.VisitOut(
        visit_id=visit.id, case_id=case_id, **visit.values, updated_at=visit.updated_at,
        offers=[r.OfferOut(offer_type=k[0], status=o.status, decline_reason=o.decline_reason)
                for k, o in offers],
        referrals=[r.ReferralOut(target=k[1], status=o.status, decline_reason=o.decline_reason)
                   for k, o in referrals],
        risk=None if risk is None or risk["answers"] is None else r.RiskOut(
            **{k: risk[k] for k in RISK_FIELDS}, assessed_at=risk["updated_at"]),
    )


def case_out(state: CaseState) -> r.CaseOut:
    c = state.case
    safe, outcome = state.safe, state.outcome
    return r.CaseOut(
        case_id=state.id, incident_id=c["incident_id"], police_ref=c["police_ref"],
        pseudonym=c["pseudonym"], victim_name=c["victim_name"], bcu=c["bcu"],
        district=c["district"], police_visit_at=c["police_visit_at"], officers=state.officers,
        allocated_to=c["allocated_to"], status=c["status"],
        visits=[visit_out(v, case_id=state.id) for v in state.visits],
        voice=[r.VoiceEntryOut(case_id=state.id, **v) for v in state.voice],
        safe_contact=None if safe is None else r.SafeContactOut(
            **{k: safe[k] for k in SAFE_FIELDS}),
        outcome=None if outcome is None else r.OutcomeOut(
            outcome_code=outcome["outcome_code"], outcome_date=outcome["outcome_date"]),
    )
