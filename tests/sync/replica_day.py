"""A realistic laptop day in a real vault, and the vault's own tables of a case in the plain form
``sync.protocol.replay.CaseTables`` holds (a uniquely named module: test folders share sys.path).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import Boolean

from fieldapp.domain import records as r
from fieldapp.domain.enums import OfferStatus, OfferType, ReferralTarget, RiskAnswer
from fieldapp.services import capture, case_state, demo, tracker_import
from fieldapp.services.sync.ops import read_outbox, wire_ops
from fieldapp.services.tracker_rows import tracker_rows
from fieldapp.services.visit_form import VisitForm, save_visit_form
from fieldapp.store import Store, orm, schema
from fieldapp.store.engine import open_engine
from fieldapp.store.types import IsoDate, JsonText, UtcDateTime
from fieldapp.tracker import TrackerRow, write_csv
from sync.protocol.models import Op
from sync.protocol.replay import CaseTables

ACTOR = "Jo Bloggs"

TABLES = {  # CaseTables attribute -> ORM table
    "incident": orm.Incident.__table__, "case": orm.Case.__table__,
    "visits": orm.Visit.__table__, "offers": orm.Offer.__table__,
    "risk_assessments": orm.RiskAssessment.__table__,
    "voice_entries": orm.VoiceEntry.__table__, "safe_contacts": orm.SafeContact.__table__,
    "outcomes": orm.Outcome.__table__, "tracker_extras": orm.TrackerExtra.__table__,
}
EXCLUDED = {"created_at", "updated_at"}
"""Columns the replica cannot know: the laptop stamps the writer's own ``now`` (a parameter, or
the clock read when the save began), while an op carries only its HLC reading, taken as the op
is queued. The replica stamps the HLC wall time instead. (Offers' autoincrement ``id`` is not
compared either: it is a number local to each database; offers are matched on their unique
(visit_id, offer_type, target).)"""


def make_store(path: Path, actor: str = ACTOR) -> Store:
    """A real SQLCipher store with a random key, migrated to head (as tests/conftest.py does)."""
    engine = open_engine(path, os.urandom(32).hex())
    schema.upgrade(engine, db_path=path)
    return Store(engine, db_path=path, actor=actor)


# ---- the day ---------------------------------------------------------------------------------

def new_incident(uow, *, ref: str, hours_ago: float, allocated: str, now: datetime,
              district: str = "blackpool", bcu: str = "WEST") -> r.CaseSummary:
    return capture.create_incident(uow=uow, incident=r.IncidentIn(
        police_ref=ref, bcu=bcu, district=district, police_visit_at=now - timedelta(hours=hours_ago),
        officers=["PC1234", "PC5678"], victim_name=f"Test Person {ref}", allocated_to=allocated))


def full_form(now: datetime, **kw: Any) -> VisitForm:
    data: dict[str, Any] = dict(
        visit=r.VisitIn(idva_visit_at=now - timedelta(minutes=40), mode="JOINT", idva_code="IDVA01",
                        safe_to_talk="YES", suspect_location="IN_CUSTODY",
                        children_in_household=2, encompass_notified="YES",
                        police_risk_grade="MEDIUM", repeat_victim=True, repeat_suspect=False,
                        note="Spoke in the kitchen."),
        offers=[r.OfferIn(offer_type=OfferType.IDVA_SUPPORT, status=OfferStatus.ACCEPTED),
                r.OfferIn(offer_type=OfferType.PROSECUTION_SUPPORT, status=OfferStatus.DECLINED,
                          decline_reason="FEAR_OF_REPRISAL"),
                r.OfferIn(offer_type=OfferType.SAFETY_PLAN, status=OfferStatus.ACCEPTED)],
        referrals=[r.ReferralIn(target=ReferralTarget.HOUSING, status=OfferStatus.ACCEPTED),
                   r.ReferralIn(target=ReferralTarget.MARAC, status=OfferStatus.OFFERED),
                   r.ReferralIn(target=ReferralTarget.REFUGE, status=OfferStatus.DECLINED,
                                decline_reason="NOT_READY")],
        risk=r.RiskIn(answers=[RiskAnswer.YES] * 15 + [RiskAnswer.NO] * 8 + [RiskAnswer.DONT_KNOW],
                      professional_judgement=True, rationale="Threats to kill.",
                      da_events_12m=4, repeat_within_12m=True, marac_referral=True),
        new_voice=[r.VoiceEntryIn(words="I want to stay in my home.", goals=["STAY_IN_HOME"],
                                  consent_to_share="YES", consent_scope=["POLICE", "MARAC"])],
        safe_contact=r.SafeContactIn(method="PHONE", safe_number="07700 900123",
                                     safe_times="after 6pm", text_ok=True),
        outcome=r.OutcomeIn(outcome_code="1a", outcome_date=date(2024, 5, 1)),
    )
    data.update(kw)
    return VisitForm(**data)


def _changed_sample(sample: Path, out: Path) -> int:
    """The sample with some rows changed (outcomes, offers, dates, scores, goals, district):
    an import that updates them; returns how many rows were changed."""
    text = sample.read_text(encoding="utf-8")
    lines = text.splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("visit_id"))
    reader = csv.DictReader(io.StringIO("\n".join(lines[header_at:])))
    columns = list(reader.fieldnames or [])
    rows = list(reader)
    changes = 0
    for i, row in enumerate(rows[:60]):
        kind = i % 6
        if kind == 0:
            row["outcome_code"] = "21" if row["outcome_code"] != "21" else "16"
        elif kind == 1:
            row["outcome_code"] = ""  # an outcome taken away
        elif kind == 2:
            row["idva_support"] = "DECLINED" if row["idva_support"] != "DECLINED" else "ACCEPTED"
            row["ref_refuge"] = "" if row["ref_refuge"] else "ACCEPTED"
        elif kind == 3:
            row["dash_score"] = str((int(row["dash_score"] or 0) + 3) % 25)
            row["victim_goals"] = "BE_DA_FREE;PROSECUTION"
        elif kind == 4 and row["idva_visit_at"]:
            at = datetime.fromisoformat(row["idva_visit_at"]) + timedelta(hours=2)
            row["idva_visit_at"] = at.strftime("%Y-%m-%dT%H:%M")
            row["ref_housing"] = "OFFERED"
            row["prosecution_support"] = ""
        else:
            row["visit_mode"] = "PHONE"
            row["district"] = "FYLDE"
        changes += 1
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    out.write_text(buf.getvalue(), encoding="utf-8")
    return changes


def _captured_update_file(store: Store, out: Path, visit_ids: list[UUID]) -> None:
    """The app's own visits exported as tracker rows and changed, as a coordinator might."""
    with store.uow() as uow:
        rows = list(tracker_rows(uow=uow, visit_ids=visit_ids))
    changed = []
    for row in rows:
        changed.append(TrackerRow.model_validate({**row.model_dump(),
            "idva_support": "UNDECIDED", "ref_mental_health": "OFFERED",
            "ref_housing": None, "outcome_code": "16", "victim_goals": ("SUPPORT_ONLY",),
            "children_in_household": 3}))
    with out.open("wb") as f:
        write_csv(changed, f, exported_by=ACTOR, exported_at=datetime.now(UTC))


def build_day(store: Store, tmp: Path, sample: Path) -> dict[str, Any]:
    """Incidents, allocations, visits with offers and referrals, risk checklists, voice entries
    with a correction, a safe contact, outcomes, an amended visit, a second visit, two tracker
    imports (the second updating rows of the first and of the app's own visits) and demo data."""
    now = datetime.now(UTC).replace(microsecond=123456)
    facts: dict[str, Any] = {}
    with store.uow() as uow:
        a = new_incident(uow, ref="LC-A-1", hours_ago=5, allocated="IDVA01", now=now)
        b = new_incident(uow, ref="LC-B-2", hours_ago=30, allocated="", now=now, district="Wyre")
        c = new_incident(uow, ref="LC-C-3", hours_ago=2, allocated="IDVA02", now=now, bcu="SOUTH",
                      district="lancaster")
        d = new_incident(uow, ref="LC-D-4", hours_ago=1, allocated="IDVA01", now=now)
        uow.commit()
    with store.uow() as uow:
        capture.allocate(uow=uow, case_id=b.case_id, idva_code="IDVA03 ")
        capture.allocate(uow=uow, case_id=c.case_id, idva_code="IDVA01")
        uow.commit()
    # A: full visit, then an amendment of it, then a second visit; voice with a correction.
    with store.uow() as uow:
        case_a = save_visit_form(uow=uow, case_id=a.case_id, form=full_form(now))
    visit_a = case_a.visits[0].visit_id
    with store.uow() as uow:
        first = capture.add_voice_entry(uow=uow, case_id=a.case_id, entry=r.VoiceEntryIn(
            words="He comes round at night.", goals=["BE_DA_FREE", "PROSECUTION"]),
            now=now + timedelta(seconds=1))
        capture.add_voice_entry(uow=uow, case_id=a.case_id, entry=r.VoiceEntryIn(
            words="He comes round most nights.", goals=["BE_DA_FREE"], corrects=first.entry_id,
            verbatim=False), now=now + timedelta(seconds=2))
        uow.commit()
    with store.uow() as uow:
        save_visit_form(uow=uow, case_id=a.case_id, visit_id=visit_a, justification="typo", form=full_form(
            now, visit=r.VisitIn(idva_visit_at=now - timedelta(minutes=45), mode="IDVA_ONLY",
                                 idva_code="IDVA01", children_in_household=1,
                                 encompass_notified="NO", note="Amended note."),
            offers=[r.OfferIn(offer_type=OfferType.IDVA_SUPPORT, status=OfferStatus.ACCEPTED),
                    r.OfferIn(offer_type=OfferType.PROSECUTION_SUPPORT,
                              status=OfferStatus.UNDECIDED)],
            referrals=[r.ReferralIn(target=ReferralTarget.HOUSING, status=OfferStatus.DECLINED,
                                    decline_reason="ALREADY_SUPPORTED"),
                       r.ReferralIn(target=ReferralTarget.CHILDRENS_SOCIAL_CARE,
                                    status=OfferStatus.OFFERED)],
            risk=r.RiskIn(answers=[RiskAnswer.YES] * 10 + [RiskAnswer.NO] * 14,
                          marac_referral=False),
            new_voice=[], safe_contact=r.SafeContactIn(method="TEXT", safe_number="07700 900999"),
            outcome=r.OutcomeIn(outcome_code="16")))
    with store.uow() as uow:
        save_visit_form(uow=uow, case_id=a.case_id, form=full_form(
            now, visit=r.VisitIn(idva_visit_at=now - timedelta(minutes=10), mode="PHONE"),
            offers=[], referrals=[], risk=None, new_voice=[], safe_contact=None, outcome=None),
            now=now + timedelta(seconds=5))
    # B: the visit alone, then safe contact on its own; C: a visit with no risk checklist.
    with store.uow() as uow:
        save_visit_form(uow=uow, case_id=b.case_id, form=full_form(
            now, risk=None, outcome=None, safe_contact=None,
            referrals=[r.ReferralIn(target=ReferralTarget.DRUG_ALCOHOL, status=OfferStatus.NOT_OFFERED)]))
    with store.uow() as uow:
        capture.record_safe_contact(uow=uow, case_id=b.case_id, contact=r.SafeContactIn(
            method="EMAIL", safe_times="mornings", voicemail_ok=True))
        capture.record_safe_contact(uow=uow, case_id=b.case_id, contact=r.SafeContactIn(
            method="EMAIL", safe_times="mornings", voicemail_ok=True))  # unchanged: no op
        uow.commit()
    with store.uow() as uow:
        save_visit_form(uow=uow, case_id=c.case_id, form=full_form(
            now - timedelta(minutes=30), risk=None, new_voice=[r.VoiceEntryIn(words="Fine.")]))
    # The sample tracker, then an import that changes some of its rows and the app's own.
    with store.uow() as uow:
        first_import = tracker_import.import_tracker(uow=uow, path=sample)
    changed = tmp / "changed.csv"
    facts["tracker_changes"] = _changed_sample(sample, changed)
    with store.uow() as uow:
        second = tracker_import.import_tracker(uow=uow, path=changed)
    with store.uow() as uow:
        b_visit = case_state.load(uow.dbapi(), b.case_id).visits[0].id
    own = tmp / "own.csv"
    _captured_update_file(store, own, [b_visit, case_a.visits[0].visit_id])
    with store.uow() as uow:
        third = tracker_import.import_tracker(uow=uow, path=own)
    with store.uow() as uow:
        demo.fill_demo(uow=uow, cases=24, seed=11)
    facts.update(first_import=first_import, second_import=second, own_import=third,
                 cases=[a.case_id, b.case_id, c.case_id, d.case_id])
    return facts


# ---- reading ---------------------------------------------------------------------------------

def _decoder(column: Any):
    kind = column.type
    if isinstance(kind, UtcDateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v[:-1]).replace(tzinfo=UTC)
    if isinstance(kind, IsoDate):
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(kind, JsonText):
        return lambda v: None if v is None else json.loads(v)
    if isinstance(kind, Boolean):
        return lambda v: None if v is None else bool(v)
    return lambda v: v


_WHERE = {
    "incident": "id = (SELECT incident_id FROM cases WHERE id = ?)",
    "case": "id = ?",
    "visits": "case_id = ?",
    "offers": "visit_id IN (SELECT id FROM visits WHERE case_id = ?)",
    "risk_assessments": "visit_id IN (SELECT id FROM visits WHERE case_id = ?)",
    "tracker_extras": "visit_id IN (SELECT id FROM visits WHERE case_id = ?)",
    "voice_entries": "case_id = ?", "safe_contacts": "case_id = ?", "outcomes": "case_id = ?",
}


def vault_rows(db: Any, case_id: str) -> dict[str, list[dict]]:
    """The vault's rows of one case, decoded as the column types decode them (ids as text)."""
    out: dict[str, list[dict]] = {}
    for name, table in TABLES.items():
        columns = list(table.columns)
        decode = [_decoder(c) for c in columns]
        found = db.execute(f"SELECT {', '.join(c.name for c in columns)} FROM {table.name} "
                           f"WHERE {_WHERE[name]} ORDER BY rowid", (case_id,)).fetchall()
        out[name] = [{c.name: f(v) for c, f, v in zip(columns, decode, row, strict=True)}
                     for row in found]
    return out


def _key(name: str, row: dict) -> tuple:
    if name == "offers":
        return (row["visit_id"], row["offer_type"], row["target"])
    return (row.get("id") or row.get("visit_id") or row.get("case_id"),)


def comparable(rows: dict[str, list[dict]], *, drop: set[str] = EXCLUDED) -> dict[str, list]:
    """Rows with the excluded columns (and offers' local id) dropped, in key order."""
    out: dict[str, list] = {}
    for name, items in rows.items():
        cut = drop | ({"id"} if name == "offers" else set())
        out[name] = sorted(({k: v for k, v in row.items() if k not in cut} for row in items),
                           key=lambda row: _key(name, row))
    return out


def tables_rows(tables: CaseTables) -> dict[str, list[dict]]:
    """A CaseTables as vault_rows gives a case."""
    out: dict[str, list[dict]] = {}
    for name in TABLES:
        value = getattr(tables, name)
        out[name] = [] if value is None else [value] if isinstance(value, dict) else list(value)
    return out


def all_wire_ops(store: Store, *, status: str | None = None) -> list[Op]:
    with store.uow() as uow:
        db = uow.dbapi()
        rows = read_outbox(db) if status is None else read_outbox(db, where="status = ?",
                                                                   params=(status,))
        return wire_ops(db, rows, author=store.actor)


def by_case(ops: list[Op]) -> dict[str, list[Op]]:
    grouped: dict[str, list[Op]] = defaultdict(list)
    for op in ops:
        grouped[op.case_id].append(op)
    return dict(grouped)


def case_ids(store: Store) -> list[str]:
    with store.uow() as uow:
        return [c for (c,) in uow.dbapi().execute("SELECT id FROM cases ORDER BY id")]
