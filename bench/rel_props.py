"""Property checks with hypothesis at high example counts (profiles "reliability-long" and
"reliability-short").

Forms: ``fieldapp.domain.rules.parse`` on each record type (and the whole visit form) with
random dicts: the field names mixed with stray keys, values from every JSON-ish and Python type
plus near-valid ones (enum codes in any case, dates in the future, numbers at the edges, very
long text, control characters). Only a record or RecordInvalid may come out, and a problem
message must never quote a submitted value.

Imports: random tracker files (any cell may be valid, empty or junk: quotes, commas, line
breaks, formula triggers, odd dates, long text) imported into one SQLCipher store: the import
must never raise, and every non-empty row must be imported or rejected with a line, a column and
a reason (which never quotes the cell).
"""

from __future__ import annotations

import csv
import itertools
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

settings.register_profile("reliability-long", max_examples=2000, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck), print_blob=False)
settings.register_profile("reliability-short", max_examples=200, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck), print_blob=False)
# make test: about 200 form inputs in all (25 per record type) and 40 tracker files.
settings.register_profile("reliability-ci", max_examples=25, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck), print_blob=False)

SECRET = "ZQX" + secrets.token_hex(4)  # a value that must never be echoed in a message


def _enum_codes() -> list[str]:
    from fieldapp.domain import enums

    codes = set()
    for name in dir(enums):
        obj = getattr(enums, name)
        if isinstance(obj, type) and hasattr(obj, "__members__"):
            codes.update(str(m.value) for m in obj)
    return sorted(codes)


def _values() -> st.SearchStrategy:
    now = datetime.now(UTC)
    codes = _enum_codes()
    scalar = st.one_of(
        st.none(), st.booleans(), st.integers(), st.integers(min_value=-3, max_value=40),
        st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40),
        st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10),
        st.sampled_from(codes), st.sampled_from(codes).map(str.lower),
        st.just(SECRET), st.just(SECRET * 3000), st.just(""), st.just("   "),
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
        st.datetimes(timezones=st.just(UTC)),
        st.just(now - timedelta(hours=2)), st.just(now + timedelta(days=3)),
        st.dates(), st.binary(max_size=8), st.uuids(),
        st.sampled_from(["2024-01-01T10:00", "29/10/2022 19:45", "07700 900123", "1A", "25"]),
    )
    return st.recursive(scalar, lambda inner: st.one_of(
        st.lists(inner, max_size=26), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
        max_leaves=8)


def _valid_examples() -> dict[str, dict]:
    """One valid dict per record type: the near-valid inputs start from these."""
    now = datetime.now(UTC)
    visit = {"idva_visit_at": now - timedelta(hours=1), "mode": "JOINT", "idva_code": "IDVA01",
             "safe_to_talk": "YES", "suspect_location": "IN_CUSTODY", "children_in_household": 2,
             "encompass_notified": "YES", "police_risk_grade": "HIGH", "repeat_victim": True,
             "repeat_suspect": False, "note": "visit note"}
    risk = {"answers": ["YES"] * 5 + ["NO"] * 19, "professional_judgement": True,
            "rationale": "concerns", "da_events_12m": 2, "repeat_within_12m": True,
            "marac_referral": False}
    return {
        "IncidentIn": {"police_ref": "LC-1", "bcu": "WEST", "district": "FYLDE",
                       "police_visit_at": now - timedelta(hours=3), "officers": ["PC1"],
                       "victim_name": "A Person", "allocated_to": "IDVA01"},
        "VisitIn": visit,
        "OfferIn": {"offer_type": "IDVA_SUPPORT", "status": "DECLINED", "decline_reason": "NOT_READY"},
        "ReferralIn": {"target": "HOUSING", "status": "OFFERED"},
        "VoiceEntryIn": {"words": "what she said", "verbatim": True, "goals": ["BE_DA_FREE"],
                         "consent_to_share": "YES", "consent_scope": ["POLICE"]},
        "SafeContactIn": {"method": "PHONE", "safe_number": "07700 900123", "safe_times": "am",
                          "voicemail_ok": False, "text_ok": True},
        "RiskIn": risk,
        "OutcomeIn": {"outcome_code": "16", "outcome_date": None},
        "VisitForm": {"visit": visit, "offers": [{"offer_type": "IDVA_SUPPORT", "status": "ACCEPTED"}],
                      "referrals": [], "risk": risk, "new_voice": [{"words": "w"}],
                      "safe_contact": {"method": "EMAIL"}, "outcome": {"outcome_code": "1"}},
    }


def _record_dicts(model) -> st.SearchStrategy:
    """Random dicts, and valid dicts with some fields changed, removed or added."""
    fields = list(model.model_fields)
    keys = st.one_of(st.sampled_from(fields), st.text(max_size=12))
    random_dict = st.dictionaries(keys, _values(), max_size=len(fields) + 3)
    base = _valid_examples()[model.__name__]
    changes = st.dictionaries(keys, _values(), max_size=3)
    dropped = st.sets(st.sampled_from(sorted(base)), max_size=2)
    near = st.builds(lambda c, d: {**{k: v for k, v in base.items() if k not in d}, **c},
                     changes, dropped)
    return st.one_of(random_dict, near, near)


def forms(profile: str) -> dict:
    from fieldapp.domain import records as r
    from fieldapp.domain.errors import RecordInvalid
    from fieldapp.domain.rules import parse
    from fieldapp.services.visit_form import VisitForm

    models = [r.IncidentIn, r.VisitIn, r.OfferIn, r.ReferralIn, r.VoiceEntryIn, r.SafeContactIn,
              r.RiskIn, r.OutcomeIn, VisitForm]
    out = {"inputs_tried": 0, "accepted": 0, "rejected_with_problems": 0, "crashes": 0,
           "values_echoed": 0, "crash_kinds": [], "models": len(models)}

    def make_check(model):
        @settings(settings.get_profile(profile))
        @given(data=_record_dicts(model))
        def check(data) -> None:
            out["inputs_tried"] += 1
            try:
                parse(model, data)
                out["accepted"] += 1
            except RecordInvalid as exc:
                out["rejected_with_problems"] += 1
                if not exc.problems:
                    out["crashes"] += 1
                    out["crash_kinds"].append(f"{model.__name__}: RecordInvalid with no problem")
                if any(SECRET in p.message for p in exc.problems):
                    out["values_echoed"] += 1
            except Exception as exc:  # noqa: BLE001 - counted, not raised: every kind is listed
                out["crashes"] += 1
                kind = f"{model.__name__}: {type(exc).__name__}"
                if kind not in out["crash_kinds"]:
                    out["crash_kinds"].append(kind)

        return check

    for model in models:
        make_check(model)()
    return out


# ---------------------------------------------------------------- imports
_COLUMNS = ("visit_id", "police_incident_ref", "bcu", "district", "police_visit_at",
            "idva_visit_at", "idva_support", "prosecution_support", "idva_code", "visit_mode",
            "police_risk_grade", "dash_score", "marac_referral", "ref_refuge", "ref_housing",
            "ref_mental_health", "ref_drug_alcohol", "ref_childrens_social_care",
            "repeat_victim", "repeat_suspect", "children_in_household", "outcome_code",
            "victim_goals", "hours_to_idva_visit", "time_band", "visit_hour_band",
            "financial_quarter")
_GOOD = {
    "bcu": ["WEST", "east", " South "], "idva_support": ["ACCEPTED", "declined", "NOT_OFFERED"],
    "prosecution_support": ["UNDECIDED", "ACCEPTED"], "visit_mode": ["JOINT", "phone"],
    "police_risk_grade": ["HIGH", "STANDARD"], "marac_referral": ["YES", "no"],
    "ref_refuge": ["OFFERED", "ACCEPTED"], "repeat_victim": ["YES", "NO"],
    "outcome_code": ["1", "1A", "16", "21"], "victim_goals": ["BE_DA_FREE;STAY_IN_HOME", "SUPPORT_ONLY"],
    "police_incident_ref": ["LC-1", "=HYPERLINK(\"x\")", "'+44", "LC 2"],
    "district": ["BLACKPOOL", "", "Fylde"], "idva_code": ["IDVA01", "", "@me"],
    "dash_score": ["0", "12", "24", ""], "children_in_household": ["0", "3", ""],
    "ref_housing": ["DECLINED", ""], "ref_mental_health": [""], "ref_drug_alcohol": ["OFFERED"],
    "ref_childrens_social_care": ["", "ACCEPTED"], "repeat_suspect": ["", "NO"],
    "time_band": ["LE_24H", "GT_1W"], "financial_quarter": ["2022-23 Q3"],
}


_DATE_STYLES = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S+01:00",
                "%Y-%m-%d", "%Y%m%dT%H%M"]


def _junk() -> st.SearchStrategy:
    dates = st.builds(lambda d, f: d.strftime(f),
                      st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2110, 1, 1)),
                      st.sampled_from(_DATE_STYLES))
    return st.one_of(
        st.just(""), st.just(" "),
        st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30),
        st.just(SECRET), st.just(SECRET * 60),
        st.sampled_from(["=1+1", "@SUM(A1)", "-2", "\t", '"', ",", "\r\n", "'=x", "YES", "NO"]),
        st.integers(-5, 40).map(str), st.uuids().map(str), dates)


@st.composite
def _valid_row(draw) -> dict:
    """A row a coordinator could have typed: valid codes, IDVA visit after the police visit."""
    row = {c: draw(st.sampled_from(_GOOD.get(c, [""]))) for c in _COLUMNS}
    police = draw(st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2025, 1, 1)))
    row["police_visit_at"] = police.strftime("%Y-%m-%dT%H:%M")
    gap = draw(st.one_of(st.none(), st.floats(min_value=0, max_value=400)))
    row["idva_visit_at"] = "" if gap is None else (police + timedelta(hours=gap)).strftime("%Y-%m-%dT%H:%M")
    row["police_incident_ref"] = draw(st.from_regex(r"LC-[0-9]{1,8}", fullmatch=True))
    row["visit_id"] = draw(st.one_of(st.just(""), st.uuids().map(str)))
    for derived in ("hours_to_idva_visit", "time_band", "visit_hour_band", "financial_quarter"):
        row[derived] = ""
    return row


_rows = st.lists(
    st.builds(lambda row, junk: {**row, **junk}, _valid_row(),
              st.dictionaries(st.sampled_from(_COLUMNS), _junk(), max_size=2)),
    min_size=1, max_size=12)


def imports(profile: str, work: Path) -> dict:
    from bench.common import plain_store
    from fieldapp.services import tracker_import
    from fieldapp.tracker import TrackerFileError

    store = plain_store(work / "props.db")
    counter = itertools.count()
    out = {"files": 0, "rows_tried": 0, "imported": 0, "rejected": 0, "updated_or_unchanged": 0,
           "unaccounted_rows": 0, "rejections_without_reason": 0, "values_echoed": 0,
           "crashes": 0, "crash_kinds": []}

    @settings(settings.get_profile(profile))
    @given(rows=_rows, header_case=st.sampled_from([str, str.upper]))
    def check(rows, header_case) -> None:
        path = work / f"props-{next(counter) % 4}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([header_case(c) for c in _COLUMNS])
            for row in rows:
                writer.writerow([row[c] for c in _COLUMNS])
        expected = sum(1 for row in rows if not all(v.strip() == "" for v in row.values()))
        out["files"] += 1
        out["rows_tried"] += len(rows)
        try:
            with store.uow() as uow:
                report = tracker_import.import_tracker(uow=uow, path=path)
        except TrackerFileError as exc:  # only file-level problems may stop an import
            out["crashes"] += 1
            out["crash_kinds"].append(f"TrackerFileError: {str(exc)[:80]}")
            return
        except Exception as exc:  # noqa: BLE001 - counted, not raised
            out["crashes"] += 1
            kind = type(exc).__name__
            if kind not in out["crash_kinds"]:
                out["crash_kinds"].append(kind)
            return
        out["imported"] += report.imported
        out["rejected"] += len(report.rejected)
        out["updated_or_unchanged"] += report.updated + report.unchanged
        out["unaccounted_rows"] += abs(report.rows_seen - expected)
        out["rejections_without_reason"] += sum(
            1 for rj in report.rejected if not (rj.line > 1 and rj.column and rj.reason))
        out["values_echoed"] += sum(1 for rj in report.rejected if SECRET in rj.reason)

    check()
    store.close()
    return out
