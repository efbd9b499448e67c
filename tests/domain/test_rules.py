from datetime import UTC, datetime, timedelta

import pytest

from fieldapp.domain import clock
from fieldapp.domain import records as r
from fieldapp.domain.enums import MaracCriterion, RiskAnswer, RiskGrade
from fieldapp.domain.errors import RecordInvalid
from fieldapp.domain.risk import QUESTION_COUNT, risk_level
from fieldapp.domain.rules import check_visit_after_police, parse

NOW = datetime.now(UTC)


def test_incident_problems_are_per_field_and_never_echo_values():
    secret = "Zelda-Marker-Name"
    with pytest.raises(RecordInvalid) as caught:
        parse(r.IncidentIn, {"police_ref": "", "bcu": secret, "police_visit_at": NOW + timedelta(hours=1),
                             "victim_name": "x" * 500})
    fields = {p.field for p in caught.value.problems}
    assert fields == {"police_ref", "bcu", "police_visit_at", "victim_name"}
    assert secret not in str(caught.value)
    assert "future" in str(caught.value)


# A fixed "now" far from the real one: a rule that read the real clock instead would accept
# 5:01 ahead of it (long past), and the boundary test below would fail.
FROZEN_NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
AHEAD_RECORDS = {
    "incident": (r.IncidentIn, "police_visit_at", {"police_ref": "LC-1", "bcu": "WEST"}),
    "visit": (r.VisitIn, "idva_visit_at", {"mode": "JOINT"}),
}


@pytest.mark.parametrize("kind", AHEAD_RECORDS)
def test_five_minutes_of_clock_drift_is_tolerated_and_no_more(kind, monkeypatch):
    monkeypatch.setattr(clock, "utc_now", lambda: FROZEN_NOW)
    model, field, rest = AHEAD_RECORDS[kind]

    def ahead(**delta):
        return parse(model, {**rest, field: FROZEN_NOW + timedelta(**delta)})

    assert getattr(ahead(minutes=4, seconds=59), field) == FROZEN_NOW + timedelta(minutes=4, seconds=59)
    assert getattr(ahead(minutes=5), field) == FROZEN_NOW + timedelta(minutes=5)  # the limit itself
    with pytest.raises(RecordInvalid) as caught:
        ahead(minutes=5, seconds=1)
    assert [p.field for p in caught.value.problems] == [field]
    assert "future" in str(caught.value)


def test_idva_visit_cannot_precede_police_visit():
    with pytest.raises(RecordInvalid, match="cannot be before the police visit"):
        check_visit_after_police(police_visit_at=NOW, idva_visit_at=NOW - timedelta(minutes=1))
    check_visit_after_police(police_visit_at=NOW, idva_visit_at=NOW)


def test_risk_score_and_marac_criteria():
    answers = [RiskAnswer.YES] * 14 + [RiskAnswer.DONT_KNOW] * 5 + [RiskAnswer.NOT_ASKED] * 5
    risk = r.RiskIn(answers=answers, da_events_12m=3, repeat_within_12m=True)
    assert risk.yes_count == 14
    out = r.RiskOut(**risk.model_dump(), yes_count=14, assessed_at=NOW)
    assert out.level is RiskGrade.HIGH
    assert out.criteria == [MaracCriterion.VISIBLE_HIGH_RISK, MaracCriterion.POTENTIAL_ESCALATION,
                            MaracCriterion.REPEAT]


def test_professional_judgement_needs_a_rationale_and_never_downgrades():
    with pytest.raises(RecordInvalid, match="rationale"):
        parse(r.RiskIn, {"answers": ["NO"] * QUESTION_COUNT, "professional_judgement": True})
    assert risk_level(yes_count=3, professional_judgement=True) is RiskGrade.HIGH
    assert risk_level(yes_count=20, professional_judgement=False) is RiskGrade.HIGH
    assert risk_level(yes_count=13, professional_judgement=False) is RiskGrade.STANDARD


def test_checklist_must_have_24_answers():
    with pytest.raises(RecordInvalid, match="answers"):
        parse(r.RiskIn, {"answers": ["YES"] * 23})


def test_safe_contact_and_offers_and_voice_rules():
    with pytest.raises(RecordInvalid, match="safe number"):
        parse(r.SafeContactIn, {"method": "PHONE"})
    with pytest.raises(RecordInvalid, match="not allowed"):
        parse(r.SafeContactIn, {"method": "PHONE", "safe_number": "call me <b>"})
    with pytest.raises(RecordInvalid, match="decline reason"):
        parse(r.OfferIn, {"offer_type": "IDVA_SUPPORT", "status": "ACCEPTED", "decline_reason": "NOT_READY"})
    with pytest.raises(RecordInvalid, match="consent"):
        parse(r.VoiceEntryIn, {"words": "x", "consent_scope": ["POLICE"]})
    with pytest.raises(RecordInvalid, match="required"):
        parse(r.VoiceEntryIn, {"words": "   "})
    with pytest.raises(RecordInvalid, match="Home Office"):
        parse(r.OutcomeIn, {"outcome_code": "19"})
    assert parse(r.OutcomeIn, {"outcome_code": "1a"}).outcome_code == "1a"
