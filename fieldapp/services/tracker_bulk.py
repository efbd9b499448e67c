"""Set-based inserts of new tracker rows: one JSON array per batch, one statement per table.

Each new tracker row becomes an incident, a case, a visit, its offers, its tracker extras and
perhaps an outcome. Instead of one executemany per table (Python binds every value of every
row, holding the GIL), the batch is written as one JSON text; SQLite reads it once into its
binary JSON form and every table is filled by one ``INSERT ... SELECT ... FROM json_each``, a
single call that runs without the GIL, so the import's reading and checking of the next batch
goes on meanwhile on the other core. Stored values are exactly what the column types store:
text as text, integers and booleans as integers (JSON true/false read back as 1/0), NULL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, NamedTuple
from uuid import UUID

from fieldapp.domain.ids import new_id, random_bytes
from fieldapp.services.capture import pseudonym_for, unused_case_id
from fieldapp.services.tracker_rows import COLUMN_REFERRAL
from fieldapp.store.audit import Action
from fieldapp.store.engine import EncodedJson, json_text, utc_text
from fieldapp.tracker import TrackerRow

# json's own string encoder (the C one): quotes and escapes exactly as json.dumps would, and
# keeps other characters as they are (SQLite reads them back unchanged).
_string = json.encoder.encode_basestring  # type: ignore[attr-defined]
_compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

# Positions in a row's JSON array (see row_json).
_VISIT, _CASE, _INCIDENT, _PSEUDONYM, _REF, _BCU, _DISTRICT, _POLICE_AT, _IDVA_AT = range(9)
_IDVA_CODE, _MODE, _GRADE, _REPEAT_VICTIM, _REPEAT_SUSPECT, _CHILDREN = range(9, 15)
_DASH, _MARAC, _GOALS, _OUTCOME, _OFFERS = range(15, 20)

_STAMP = "?2, ?3, ?2, ?3, 1"  # created_at, created_by, updated_at, updated_by, row_version
_TRACKED = "created_at, created_by, updated_at, updated_by, row_version"


def _v(i: int) -> str:
    return f"value->>{i}"


STATEMENTS: tuple[str, ...] = (
    "INSERT INTO incidents (id, police_ref, bcu, district, police_visit_at, officers, "
    f"{_TRACKED}) SELECT {_v(_INCIDENT)}, {_v(_REF)}, {_v(_BCU)}, {_v(_DISTRICT)}, "
    f"{_v(_POLICE_AT)}, '{json_text([])}', {_STAMP} FROM json_each(?1)",
    "INSERT INTO cases (id, incident_id, pseudonym, victim_name, allocated_to, status, police_ref, "
    f"bcu, district, police_visit_at, first_idva_visit_at, {_TRACKED}) SELECT {_v(_CASE)}, "
    f"{_v(_INCIDENT)}, {_v(_PSEUDONYM)}, '', {_v(_IDVA_CODE)}, 'OPEN', {_v(_REF)}, {_v(_BCU)}, "
    f"{_v(_DISTRICT)}, {_v(_POLICE_AT)}, {_v(_IDVA_AT)}, {_STAMP} FROM json_each(?1)",
    "INSERT INTO visits (id, case_id, note, idva_visit_at, mode, idva_code, police_risk_grade, "
    "repeat_victim, repeat_suspect, children_in_household, safe_to_talk, suspect_location, "
    f"encompass_notified, {_TRACKED}) SELECT {_v(_VISIT)}, {_v(_CASE)}, '', {_v(_IDVA_AT)}, "
    f"{_v(_MODE)}, {_v(_IDVA_CODE)}, {_v(_GRADE)}, {_v(_REPEAT_VICTIM)}, {_v(_REPEAT_SUSPECT)}, "
    f"{_v(_CHILDREN)}, NULL, NULL, NULL, {_STAMP} FROM json_each(?1)",
    # The offers of each row in the row's order: json_each over the row's own offers array can
    # only run inside the loop over rows, so rows (and their ids) come out in file order.
    f"INSERT INTO offers (visit_id, offer_type, target, status, decline_reason, {_TRACKED}) "
    f"SELECT r.value->>{_VISIT}, o.value->>0, o.value->>1, o.value->>2, NULL, {_STAMP} "
    f"FROM json_each(?1) AS r, json_each(r.value, '$[{_OFFERS}]') AS o",
    "INSERT INTO tracker_extras (visit_id, dash_score, marac_referral, victim_goals) "
    f"SELECT {_v(_VISIT)}, {_v(_DASH)}, {_v(_MARAC)}, {_v(_GOALS)} FROM json_each(?1)",
    f"INSERT INTO outcomes (case_id, outcome_code, outcome_date, {_TRACKED}) "
    f"SELECT {_v(_CASE)}, {_v(_OUTCOME)}, NULL, {_STAMP} FROM json_each(?1) "
    f"WHERE {_v(_OUTCOME)} IS NOT NULL",
)


def _offer_parts() -> dict[tuple[str, Any], str]:
    """(column, decision) -> the offer's JSON array, for every decision a column can hold."""
    from fieldapp.tracker import ReferralDecision, SupportDecision

    parts: dict[tuple[str, Any], str] = {}
    for column, offer_type in (("idva_support", "IDVA_SUPPORT"),
                               ("prosecution_support", "PROSECUTION_SUPPORT")):
        for decision in SupportDecision:
            parts[column, decision] = _compact([offer_type, "", decision.value])
    for column, target in COLUMN_REFERRAL.items():
        for decision in ReferralDecision:
            parts[column, decision] = _compact(["REFERRAL", target, decision.value])
    return parts


_OFFER_PARTS = _offer_parts()
_OFFER_COLUMNS = ("idva_support", "prosecution_support", *COLUMN_REFERRAL)
_GOALS_TEXT: dict[tuple, str] = {}


def _text_or_null(value: str | None) -> str:
    return "null" if value is None else _string(value)


def _flag(value: bool | None) -> str:
    return "null" if value is None else ("true" if value else "false")


def _number(value: int | None) -> str:
    return "null" if value is None else str(int(value))


def _enum(value: Any) -> str:
    return "null" if value is None else _string(value.value)


def _goals(goals: tuple) -> str:
    text = _GOALS_TEXT.get(goals)
    if text is None:
        text = _GOALS_TEXT[goals] = _string(json_text([g.value for g in goals]))
    return text


def row_json(row: TrackerRow, *, case_id: UUID, incident_id: UUID, pseudonym: str) -> str:
    """One new row as the JSON array the statements read (positions as named above)."""
    values = row.__dict__
    offers = ",".join(_OFFER_PARTS[column, values[column]] for column in _OFFER_COLUMNS
                      if values[column] is not None)
    return (
        f'["{row.visit_id}","{case_id}","{incident_id}",{_string(pseudonym)},'
        f"{_string(row.police_incident_ref)},{_string(row.bcu.value)},"
        f"{_string(row.district or '')},\"{utc_text(row.police_visit_at)}\","
        f"{_text_or_null(utc_text(row.idva_visit_at))},{_string(row.idva_code or '')},"
        f"{_enum(row.visit_mode)},{_enum(row.police_risk_grade)},{_flag(row.repeat_victim)},"
        f"{_flag(row.repeat_suspect)},{_number(row.children_in_household)},"
        f"{_number(row.dash_score)},{_flag(row.marac_referral)},{_goals(row.victim_goals)},"
        f"{_text_or_null(row.outcome_code)},[{offers}]]"
    )


def payload(row: TrackerRow) -> EncodedJson:
    """The outbox payload, ``row.model_dump(mode="json")``, with its canonical text made here."""
    return EncodedJson(row.model_dump(mode="json"))


class Prepared(NamedTuple):
    """A new row's stored form: its JSON for the table inserts, outbox operation, audit entry."""

    values: str
    operation: tuple[str, str, str, dict]
    entry: dict


_FIELDS = tuple(TrackerRow.model_fields)


def _random_case_id() -> UUID:
    return UUID(bytes=random_bytes(16), version=4)


def prepare(row: TrackerRow, *, pseudonyms: set[str]) -> Prepared:
    """Everything a new row writes (ids are made here). ``pseudonyms`` holds every pseudonym in
    use, on this laptop and earlier in this file; the new case's is added to it."""
    # Random, not time-ordered: the pseudonym is its first six hex digits.
    case_id = unused_case_id(taken=pseudonyms.__contains__, draw=_random_case_id)
    pseudonyms.add(pseudonym_for(case_id))
    visit = str(row.visit_id)
    values = row.__dict__
    return Prepared(
        row_json(row, case_id=case_id, incident_id=new_id(), pseudonym=pseudonym_for(case_id)),
        ("tracker_row", visit, "upsert", payload(row)),
        {"action": Action.COLLECTION, "record_type": "visit", "record_id": visit,
         "fields": [k for k in _FIELDS if values[k] is not None and values[k] != ()],
         "justification": "tracker import"},
    )


def insert_rows(db: Any, rows: Sequence[str], *, at: str, actor: str) -> None:
    """Run every statement over ``rows`` (from :func:`row_json`) on the DB-API connection ``db``
    (inside the caller's transaction). The JSON is parsed once, into SQLite's binary form."""
    if not rows:
        return
    (blob,) = db.execute("SELECT jsonb(?)", ("[" + ",".join(rows) + "]",)).fetchone()
    params = (blob, at, actor)
    for sql in STATEMENTS:
        db.execute(sql, params if "?2" in sql else params[:1])
