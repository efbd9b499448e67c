"""One case's operations replayed into its table rows, exactly as the laptop's writers wrote them.

Both ends rebuild a case this way: the hub to hold and export each case's state, the laptop to
apply a pull page (``fieldapp.services.sync.apply``). :func:`replay` is pure: it sorts the ops
by ``(hlc, op_id)`` and drops repeated op ids first, so any order and any duplication of the
same ops gives the same :class:`CaseTables`.

Each entity is applied as its laptop writer applies it (``fieldapp/services/capture.py``,
``visit_write.py``, ``tracker_bulk.py`` and ``tracker_import._update``), including which rows a
change stamps and counts (``row_version``) and which it leaves alone. The op's ``value`` is the
outbox payload plus what ``fieldapp.services.sync.ops.wire_ops`` adds from immutable facts:
``recorded_at``/``recorded_by`` for a voice entry, ``case_id``/``incident_id`` for a tracker row.

Rows use the column names of ``fieldapp/store/orm.py`` with plain values: ids as text, aware UTC
datetimes, ``date``, ``bool``, ``int``, ``str`` and lists. ``created_at``/``updated_at`` are the
HLC wall time of the op that created/last stamped the row and ``created_by``/``updated_by`` its
author: the laptop stamps its own ``now`` instead, which the ops do not carry. Offers have no
``id`` (the laptop's autoincrement number is local to each database).

An op of an entity this version does not know is skipped and counted (``unknown_ops``), so a newer
laptop's op does not break an older hub; an op of a known entity whose value cannot be applied
(a missing or mistyped field, a row it needs that is absent) is skipped and its id listed in
``invalid_ops``: nothing of it is applied.

Reading values is ``replay_values``; last writer wins and the safety-critical fields (conflicts,
resolutions) are ``replay_safety``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sync.protocol import safety as rules
from sync.protocol.models import Op
from sync.protocol.replay_safety import (
    _iso,
    _last_writer,
    _put_safe,
    _resolution,
    _safety,
    _safety_change,
)
from sync.protocol.replay_values import (
    _CANONICAL_ID,
    SAFE_FIELDS,  # noqa: F401 - the laptop's list, pinned by tests
    Row,
    _bool,
    _created,
    _instant,
    _int,
    _Invalid,
    _opt_bool,
    _opt_date,
    _opt_instant,
    _opt_int,
    _opt_str,
    _stamped,
    _str,
    _strs,
    _uuid_text,
)

# The laptop's stored vocabulary (fieldapp.services.case_state / tracker_rows).
REFERRAL = "REFERRAL"
VISIT_FIELDS = ("idva_visit_at", "mode", "idva_code", "safe_to_talk", "suspect_location",
                "children_in_household", "encompass_notified", "police_risk_grade",
                "repeat_victim", "repeat_suspect", "note")
RISK_FIELDS = ("answers", "yes_count", "professional_judgement", "rationale", "da_events_12m",
               "repeat_within_12m", "marac_referral")
TRACKED = ("created_at", "created_by", "updated_at", "updated_by", "row_version")
# Tracker referral columns and the referral targets they stand for, in the tracker's column
# order (the order a new tracker row's offers are inserted in).
COLUMN_REFERRAL = {"ref_refuge": "REFUGE", "ref_housing": "HOUSING",
                   "ref_mental_health": "MENTAL_HEALTH", "ref_drug_alcohol": "DRUG_ALCOHOL",
                   "ref_childrens_social_care": "CHILDRENS_SOCIAL_CARE"}
_TRACKER_TARGETS = frozenset(COLUMN_REFERRAL.values())
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)



def pseudonym_for(case_id: str | UUID) -> str:
    """The case's pseudonym, as ``fieldapp.services.capture.pseudonym_for`` makes it (tested)."""
    if isinstance(case_id, str) and _CANONICAL_ID.fullmatch(case_id):
        return "C-" + case_id[:6].upper()  # the first six hex digits of the id
    value = case_id if isinstance(case_id, UUID) else UUID(case_id)
    return f"C-{value.hex[:6].upper()}"


@dataclass(frozen=True)
class CaseTables:
    """One case's rows. ``incident`` and ``case`` are one row or None; the others are tuples of
    rows in the order the ops created them (visits in creation order, each visit's offers,
    checklist and tracker extras in visit order). Rows are plain dicts: read them, do not
    change them."""

    case_id: str
    incident: Row | None = None
    case: Row | None = None
    visits: tuple[Row, ...] = ()
    offers: tuple[Row, ...] = ()
    risk_assessments: tuple[Row, ...] = ()
    voice_entries: tuple[Row, ...] = ()
    safe_contacts: tuple[Row, ...] = ()
    outcomes: tuple[Row, ...] = ()
    tracker_extras: tuple[Row, ...] = ()
    case_flags: tuple[Row, ...] = ()
    """The case's safety flags (``safety`` ops), with the restrictive value of an open conflict."""
    field_versions: tuple[Row, ...] = ()
    """``{case_id, field, op_id}``: the op each tracked field was last set by (the ``base`` a
    device seals its next change of that field with)."""
    conflicts: tuple[Row, ...] = ()
    """Conflicts of safety-critical fields, open and resolved, in the order they opened:
    ``{conflict_id (the op that opened it), case_id, field, state, sides: [{op_id, value, by,
    at}], in_force (a side), opened_at, resolved_at, resolved_by, reason}``."""
    field_history: tuple[Row, ...] = ()
    """Values later ones replaced: ``{case_id, field, value: {"v": ...}, op_id, by, at,
    replaced_by}`` (last writer wins by clock; the loser is kept here)."""
    applied_ops: int = 0
    """Distinct ops applied (duplicates of an op id count once)."""
    unknown_ops: int = 0
    """Ops of an entity this version does not know: skipped."""
    invalid_ops: tuple[str, ...] = ()
    """Ids of ops of a known entity that could not be applied (in replay order): skipped whole."""
    last_hlc: str = ""
    """The newest clock reading among the ops applied ('' if none): a device that stores the
    case can move its own clock past it, so its next change to the case sorts after them."""

    @property
    def complete(self) -> bool:
        """Whether the case can be stored: it has its incident and its case row."""
        return self.incident is not None and self.case is not None


def _op_time(op: Op) -> datetime:
    return _EPOCH + timedelta(milliseconds=int(op.hlc[:15]))


# ---- the state being rebuilt -------------------------------------------------------------------

@dataclass
class _State:
    case_id: str
    incident: Row | None = None
    case: Row | None = None
    visits: dict[str, Row] = field(default_factory=dict)
    offers: dict[str, dict[tuple[str, str], Row]] = field(default_factory=dict)  # visit id ->
    risks: dict[str, Row] = field(default_factory=dict)
    extras: dict[str, Row] = field(default_factory=dict)
    voice: dict[str, Row] = field(default_factory=dict)
    safe: Row | None = None
    outcome: Row | None = None
    flags: Row | None = None
    heads: dict[str, Row] = field(default_factory=dict)  # field -> side {op_id, value, by, at}
    conflicts: dict[str, Row] = field(default_factory=dict)
    open_by_field: dict[str, str] = field(default_factory=dict)
    history: list[Row] = field(default_factory=list)
    # From the incident op, for the case op that follows it (create_incident writes both).
    victim_name: str = ""
    allocated_to: str = ""

    def freeze(self, *, applied: int, unknown: int, invalid: list[str], last: str) -> CaseTables:
        """The tables, handing over the rows themselves (the state is not used again)."""
        order = list(self.visits)
        offers = self.offers
        return CaseTables(
            case_id=self.case_id, incident=self.incident, case=self.case,
            visits=tuple(self.visits.values()),
            offers=tuple(row for vid in order if vid in offers for row in offers[vid].values()),
            risk_assessments=tuple(self.risks[vid] for vid in order if vid in self.risks),
            voice_entries=tuple(self.voice.values()),
            safe_contacts=() if self.safe is None else (self.safe,),
            outcomes=() if self.outcome is None else (self.outcome,),
            tracker_extras=tuple(self.extras[vid] for vid in order if vid in self.extras),
            case_flags=() if self.flags is None else (self.flags,),
            field_versions=tuple({"case_id": self.case_id, "field": name, "op_id": head["op_id"]}
                                 for name, head in sorted(self.heads.items())),
            conflicts=tuple(self.conflicts.values()), field_history=tuple(self.history),
            applied_ops=applied, unknown_ops=unknown, invalid_ops=tuple(invalid), last_hlc=last,
        )

    def need_case(self) -> Row:
        if self.case is None:
            raise _Invalid("the case is not there yet")
        return self.case

    def need_visit(self, visit_id: str) -> Row:
        visit = self.visits.get(visit_id)
        if visit is None:
            raise _Invalid("the visit is not there yet")
        return visit

    def refresh_first_visit(self) -> None:
        """The board's denormalised first IDVA visit time (capture.refresh_first_visit)."""
        firsts = [v["idva_visit_at"] for v in self.visits.values() if v["idva_visit_at"] is not None]
        self.need_case()["first_idva_visit_at"] = min(firsts) if firsts else None


def _blank_visit(visit_id: str, case_id: str) -> Row:
    return {"id": visit_id, "case_id": case_id, **dict.fromkeys(VISIT_FIELDS), "idva_code": "",
            "note": ""}


# ---- one handler per entity (each reads the whole value before it changes anything) -----------

def _incident(s: _State, op: Op, v: dict, at: datetime, by: str) -> None:
    """capture.create_incident's incident row (the case row comes with the next, "case", op)."""
    values = {"police_ref": _str(v, "police_ref"), "bcu": _str(v, "bcu"),
              "district": _str(v, "district", "").upper(),
              "police_visit_at": _instant(v, "police_visit_at"), "officers": _strs(v, "officers")}
    victim_name, allocated_to = _str(v, "victim_name", ""), _str(v, "allocated_to", "")
    if s.incident is None:
        s.incident = _created({"id": op.entity_id, **values}, at, by)
        s.victim_name, s.allocated_to = victim_name, allocated_to
        return
    if s.incident["id"] != op.entity_id:
        raise _Invalid("the case already has another incident")
    # No writer sends a second incident op today; applied as an upsert, with the case's copies.
    s.incident.update(values)
    _stamped(s.incident, at, by)
    if s.case is not None:
        s.case.update({k: values[k] for k in ("police_ref", "bcu", "district", "police_visit_at")})


def _case(s: _State, op: Op, v: dict, at: datetime, by: str) -> None:
    """A new case (with its empty first visit) after its incident, or an allocation."""
    if s.case is None:
        incident_id = _uuid_text(v, "incident_id")
        visit_id = None if v.get("visit_id") is None else _uuid_text(v, "visit_id")
        allocated_to = _str(v, "allocated_to", s.allocated_to)
        inc = s.incident
        if inc is None or inc["id"] != incident_id:
            raise _Invalid("the case's incident is not there")
        s.case = _created({
            "id": s.case_id, "incident_id": incident_id, "pseudonym": pseudonym_for(s.case_id),
            "victim_name": s.victim_name, "allocated_to": allocated_to, "status": "OPEN",
            "police_ref": inc["police_ref"], "bcu": inc["bcu"], "district": inc["district"],
            "police_visit_at": inc["police_visit_at"], "first_idva_visit_at": None}, at, by)
        if visit_id is not None:
            s.visits[visit_id] = _created(_blank_visit(visit_id, s.case_id), at, by)
        _last_writer(s, op, "allocated_to", allocated_to, at)
        return
    allocated_to = _str(v, "allocated_to")  # capture.allocate
    _last_writer(s, op, "allocated_to", allocated_to, at)
    s.case["allocated_to"] = allocated_to
    _stamped(s.case, at, by)


def _visit(s: _State, op: Op, v: dict, at: datetime, by: str) -> None:
    """CaseWriter.visit: fill (or amend) the visit, or add one; then the case's first visit."""
    values = {
        "idva_visit_at": _instant(v, "idva_visit_at"), "mode": _str(v, "mode"),
        "idva_code": _str(v, "idva_code", ""), "safe_to_talk": _opt_str(v, "safe_to_talk"),
        "suspect_location": _opt_str(v, "suspect_location"),
        "children_in_household": _opt_int(v, "children_in_household"),
        "encompass_notified": _opt_str(v, "encompass_notified"),
        "police_risk_grade": _opt_str(v, "police_risk_grade"),
        "repeat_victim": _opt_bool(v, "repeat_victim"),
        "repeat_suspect": _opt_bool(v, "repeat_suspect"), "note": _str(v, "note", ""),
    }
    case = s.need_case()
    visit = s.visits.get(op.entity_id)
    if visit is None:
        s.visits[op.entity_id] = _created({"id": op.entity_id, "case_id": s.case_id, **values},
                                          at, by)
    else:
        visit.update(values)
        _stamped(visit, at, by)
    s.refresh_first_visit()
    _stamped(case, at, by)


def _decisions(v: dict) -> dict[tuple[str, str], tuple[str, str | None]]:
    offers, referrals = v.get("offers", []), v.get("referrals", [])
    if not isinstance(offers, list) or not isinstance(referrals, list):
        raise _Invalid("offers are not lists")
    wanted: dict[tuple[str, str], tuple[str, str | None]] = {}
    for item in offers:
        if not isinstance(item, dict):
            raise _Invalid("an offer is not an object")
        wanted[(_str(item, "offer_type"), "")] = (_str(item, "status"),
                                                  _opt_str(item, "decline_reason"))
    for item in referrals:
        if not isinstance(item, dict):
            raise _Invalid("a referral is not an object")
        wanted[(REFERRAL, _str(item, "target"))] = (_str(item, "status"),
                                                    _opt_str(item, "decline_reason"))
    return wanted


def _offers(s: _State, op: Op, v: dict, at: datetime, by: str) -> None:
    """CaseWriter.offers: the given decisions are the visit's whole set."""
    wanted = _decisions(v)
    s.need_visit(op.entity_id)
    have = s.offers.setdefault(op.entity_id, {})
    for key in [k for k in have if k not in wanted]:
        del have[key]
    for key, (status, reason) in wanted.items():
        old = have.get(key)
        if old is None:
            have[key] = _created({"visit_id": op.entity_id, "offer_type": key[0],
                                  "target": key[1], "status": status,
                                  "decline_reason": reason}, at, by)
        elif (old["status"], old["decline_reason"]) != (status, reason):
            old["status"], old["decline_reason"] = status, reason
            _stamped(old, at, by)


def _risk(s: _State, op: Op, v: dict, at: datetime, by: str) -> None:
    """CaseWriter.risk: the checklist (its score counted from the answers, as RiskIn does)."""
    answers = _strs(v, "answers")
    wanted = {"answers": answers, "yes_count": sum(1 for a in answers if a == "YES"),
              "professional_judgement": _bool(v, "professional_judgement", False),
              "rationale": _str(v, "rationale", ""), "da_events_12m": _int(v, "da_events_12m", 0),
              "repeat_within_12m": _bool(v, "repeat_within_12m", False),
              "marac_referral": _opt_bool(v, "marac_referral")}
    s.need_visit(op.entity_id)
    old = s.risks.get(op.entity_id)
    if old is None:
        s.risks[op.entity_id] = _created({"visit_id": op.entity_id, **wanted}, at, by)
    elif any(old[k] != wanted[k] for k in RISK_FIELDS):
        old.update(wanted)
        _stamped(old, at, by)


def _voice(s: _State, op: Op, v: dict, at: datetime, by: str) -> None:
    """CaseWriter.voice: append-only; a correction names an earlier entry of the case."""
    corrects = None if v.get("corrects") is None else _uuid_text(v, "corrects")
    row = {"id": op.entity_id, "case_id": s.case_id, "words": _str(v, "words"),
           "verbatim": _bool(v, "verbatim", True), "goals": _strs(v, "goals"),
           "consent_to_share": _opt_str(v, "consent_to_share"),
           "consent_scope": _strs(v, "consent_scope"), "corrects": corrects,
           "recorded_at": at if v.get("recorded_at") is None else _instant(v, "recorded_at"),
           "recorded_by": _str(v, "recorded_by", by)}
    s.need_case()
    if corrects is not None and corrects not in s.voice:
        raise _Invalid("the entry it corrects is not there")
    s.voice.setdefault(op.entity_id, row)  # an entry is never changed once written


def _safe_contact(s: _State, op: Op, v: dict, at: datetime, by: str) -> None:
    wanted = {"method": _str(v, "method"), "safe_number": _str(v, "safe_number", ""),
              "safe_times": _str(v, "safe_times", ""),
              "voicemail_ok": _bool(v, "voicemail_ok", False), "text_ok": _bool(v, "text_ok", False)}
    base = _opt_str(v, "base")
    s.need_case()
    _safety_change(s, op, rules.SAFE_CONTACT, wanted, base, at,
                   lambda value: _put_safe(s, value, at, by))


def _outcome(s: _State, op: Op, v: dict, at: datetime, by: str) -> None:
    wanted = {"outcome_code": _str(v, "outcome_code").upper(),
              "outcome_date": _opt_date(v, "outcome_date")}
    s.need_case()
    _last_writer(s, op, "outcome", {k: _iso(x) for k, x in wanted.items()}, at)
    if s.outcome is None:
        s.outcome = _created({"case_id": s.case_id, **wanted}, at, by)
    elif any(s.outcome[k] != wanted[k] for k in wanted):
        s.outcome.update(wanted)
        _stamped(s.outcome, at, by)


_SUPPORT_COLUMNS = (("idva_support", "IDVA_SUPPORT"), ("prosecution_support", "PROSECUTION_SUPPORT"))


def _tracker_offers(v: dict) -> dict[tuple[str, str], str]:
    """The offers a tracker row carries, in tracker_bulk's order: (type, target) -> status."""
    wanted: dict[tuple[str, str], str] = {}
    for column, offer_type in _SUPPORT_COLUMNS:
        status = _opt_str(v, column)
        if status is not None:
            wanted[(offer_type, "")] = status
    for column, target in COLUMN_REFERRAL.items():
        status = _opt_str(v, column)
        if status is not None:
            wanted[(REFERRAL, target)] = status
    return wanted


def _tracker_row(s: _State, op: Op, v: dict, at: datetime, by: str) -> None:
    """A tracker import's row: a new incident, case and visit (tracker_bulk), or the update of
    an existing visit (tracker_import._update)."""
    incident = {"police_ref": _str(v, "police_incident_ref"), "bcu": _str(v, "bcu"),
                "district": _opt_str(v, "district") or "",
                "police_visit_at": _instant(v, "police_visit_at")}
    idva_code = _opt_str(v, "idva_code") or ""
    visit_values = {
        "idva_visit_at": _opt_instant(v, "idva_visit_at"), "mode": _opt_str(v, "visit_mode"),
        "idva_code": idva_code, "police_risk_grade": _opt_str(v, "police_risk_grade"),
        "repeat_victim": _opt_bool(v, "repeat_victim"),
        "repeat_suspect": _opt_bool(v, "repeat_suspect"),
        "children_in_household": _opt_int(v, "children_in_household")}
    extra = {"dash_score": _opt_int(v, "dash_score"), "marac_referral": _opt_bool(v, "marac_referral"),
             "victim_goals": _strs(v, "victim_goals")}
    outcome_code = _opt_str(v, "outcome_code") or None
    offers = _tracker_offers(v)
    visit_id = op.entity_id
    if visit_id in s.visits:
        _tracker_update(s, visit_id, incident, visit_values, extra, outcome_code, offers, at, by)
        return
    case_id, incident_id = _uuid_text(v, "case_id"), _uuid_text(v, "incident_id")
    if case_id != s.case_id:
        raise _Invalid("the row names another case")
    if s.case is not None or s.incident is not None:
        raise _Invalid("a new tracker row for a case that is already there")
    s.incident = _created({"id": incident_id, **incident, "officers": []}, at, by)
    s.case = _created({
        "id": case_id, "incident_id": incident_id, "pseudonym": pseudonym_for(case_id),
        "victim_name": "", "allocated_to": idva_code, "status": "OPEN", **incident,
        "first_idva_visit_at": visit_values["idva_visit_at"]}, at, by)
    visit = _blank_visit(visit_id, case_id)
    visit.update(visit_values)
    s.visits[visit_id] = _created(visit, at, by)
    s.offers[visit_id] = {
        key: _created({"visit_id": visit_id, "offer_type": key[0], "target": key[1],
                       "status": status, "decline_reason": None}, at, by)
        for key, status in offers.items()}
    s.extras[visit_id] = {"visit_id": visit_id, **extra}
    if outcome_code is not None:
        s.outcome = _created({"case_id": case_id, "outcome_code": outcome_code,
                              "outcome_date": None}, at, by)


def _tracker_update(s: _State, visit_id: str, incident: Row, visit_values: Row, extra: Row,
                    outcome_code: str | None, offers: dict[tuple[str, str], str],
                    at: datetime, by: str) -> None:
    """tracker_import._update, change for change: the incident, offers it changes and an outcome
    code it changes keep their stamps (the ORM sets those columns only); the visit and the case
    are stamped."""
    case, inc = s.need_case(), s.incident
    if inc is None:
        raise _Invalid("the case's incident is not there")
    visit = s.visits[visit_id]
    visit.update(visit_values)  # not safe_to_talk, suspect_location, encompass_notified, note
    case.update(incident)
    inc.update(incident)
    have = s.offers.setdefault(visit_id, {})
    wanted = dict(offers)
    for key in list(have):
        if key[0] == "SAFETY_PLAN" or (key[0] == REFERRAL and key[1] not in _TRACKER_TARGETS):
            continue  # not carried by the tracker
        if key not in wanted:
            del have[key]
        elif have[key]["status"] != wanted[key]:
            have[key]["status"], have[key]["decline_reason"] = wanted[key], None
        wanted.pop(key, None)
    for key, status in wanted.items():
        have[key] = _created({"visit_id": visit_id, "offer_type": key[0], "target": key[1],
                              "status": status, "decline_reason": None}, at, by)
    s.extras[visit_id] = {"visit_id": visit_id, **extra}
    if outcome_code and s.outcome is None:
        s.outcome = _created({"case_id": s.case_id, "outcome_code": outcome_code,
                              "outcome_date": None}, at, by)
    elif s.outcome is not None and outcome_code != s.outcome["outcome_code"]:
        if outcome_code:
            s.outcome["outcome_code"] = outcome_code
        else:
            s.outcome = None
    s.refresh_first_visit()
    _stamped(visit, at, by)
    _stamped(case, at, by)


HANDLERS: dict[str, Callable[[_State, Op, dict, datetime, str], None]] = {
    "incident": _incident, "case": _case, "visit": _visit, "offers": _offers, "risk": _risk,
    "voice": _voice, "safe_contact": _safe_contact, "outcome": _outcome,
    "tracker_row": _tracker_row, "safety": _safety, "resolution": _resolution,
}
"""The entities this version replays; any other is counted in ``CaseTables.unknown_ops``."""


def _deduplicated(ops: Iterable[Op]) -> list[Op]:
    """One op per op id, sorted by (hlc, op_id). Two different ops under one id (which the hub's
    primary key refuses) keep the one with the smaller canonical form, whatever their order."""
    unique: dict[str, Op] = {}
    for op in ops:
        seen = unique.get(op.op_id)
        if seen is None:
            unique[op.op_id] = op
        elif seen != op and _canonical(op) < _canonical(seen):
            unique[op.op_id] = op
    return sorted(unique.values(), key=lambda o: (o.hlc, o.op_id))


def _canonical(op: Op) -> str:
    return json.dumps(op.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


def replay(ops: Iterable[Op], *, case_id: str | None = None) -> CaseTables:
    """The tables of one case rebuilt from its ops (in any order, duplicates allowed).

    ``case_id`` names the case when ``ops`` may be empty; every op must belong to it (else
    ValueError: grouping ops by case is the caller's job).
    """
    ordered = _deduplicated(ops)
    ids = {op.case_id for op in ordered} | ({case_id} if case_id is not None else set())
    if len(ids) > 1:
        raise ValueError("replay is for one case: the ops name more than one")
    state = _State(case_id=ids.pop() if ids else "")
    applied = unknown = 0
    invalid: list[str] = []
    last = ""
    for op in ordered:
        handler = HANDLERS.get(op.entity)
        if handler is None:
            unknown += 1
            continue
        try:
            handler(state, op, op.value, _op_time(op), op.author)
        except (_Invalid, KeyError, TypeError, ValueError, AttributeError):
            invalid.append(op.op_id)
            continue
        applied += 1
        last = op.hlc
    return state.freeze(applied=applied, unknown=unknown, invalid=invalid, last=last)
