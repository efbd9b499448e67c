"""The case page end to end: a whole visit by keyboard alone, saved once, shown again on reopen."""

from __future__ import annotations

from datetime import date

import pytest
from case_fixtures import (
    close_context,
    counts,
    focused,
    get_case,
    make_context,
    new_case,
    open_case_page,
    press,
    read_draft,
    tab_to,
    type_text,
)
from PySide6.QtCore import Qt

from fieldapp.domain.enums import (
    ConsentScope,
    ConsentToShare,
    DeclineReason,
    EncompassNotified,
    OfferStatus,
    OfferType,
    ReferralTarget,
    RiskAnswer,
    RiskGrade,
    SafeContactMethod,
    SafeToTalk,
    SuspectLocation,
    VictimGoal,
    VisitMode,
)

ALT = Qt.KeyboardModifier.AltModifier
WORDS = "I want to stay in my home and I want it to stop."


@pytest.fixture
def ctx(tmp_path):
    context = make_context(tmp_path / "vault")
    yield context
    close_context(context)


def _choose(qtbot, combo, keys: str) -> None:
    tab_to(qtbot, combo)
    type_text(qtbot, keys)


def test_full_visit_by_keyboard_alone_then_every_value_shows_on_reopen(qtbot, ctx):
    case_id = new_case(ctx)
    page = open_case_page(qtbot, ctx, case_id)
    s = page.sections

    # Visit (Alt+1): the visit time defaults to now; the rest by Tab and typed initials.
    press(qtbot, Qt.Key.Key_1, ALT)
    assert focused() is s.visit.visit_at
    visit_at = s.visit.visit_at.value()
    _choose(qtbot, s.visit.mode, "J")
    _choose(qtbot, s.visit.safe_to_talk, "Y")
    _choose(qtbot, s.visit.suspect_location, "I")
    _choose(qtbot, s.visit.children, "2")
    _choose(qtbot, s.visit.encompass_notified, "Y")
    _choose(qtbot, s.visit.police_risk_grade, "H")
    _choose(qtbot, s.visit.repeat_victim, "Y")
    _choose(qtbot, s.visit.repeat_suspect, "N")
    _choose(qtbot, s.visit.idva_code, "IDVA07")  # Tab selects the old text; typing replaces it
    _choose(qtbot, s.visit.note, "Seen with PC 1234 at the address.")

    # Support and referrals (Alt+2).
    press(qtbot, Qt.Key.Key_2, ALT)
    support = s.support.offers
    assert focused() is support["IDVA_SUPPORT"].status
    type_text(qtbot, "A")
    _choose(qtbot, support["PROSECUTION_SUPPORT"].status, "D")
    press(qtbot, Qt.Key.Key_Tab)  # the reason is enabled now that it was declined
    assert focused() is support["PROSECUTION_SUPPORT"].reason
    type_text(qtbot, "F")
    _choose(qtbot, support["SAFETY_PLAN"].status, "A")
    _choose(qtbot, s.support.referrals["HOUSING"].status, "A")
    _choose(qtbot, s.support.referrals["MARAC"].status, "A")

    # Victim's voice (Alt+3).
    press(qtbot, Qt.Key.Key_3, ALT)
    assert focused() is s.voice.words
    type_text(qtbot, WORDS)
    tab_to(qtbot, s.voice.goals["STAY_IN_HOME"])
    press(qtbot, Qt.Key.Key_Space)
    _choose(qtbot, s.voice.consent, "Y")
    tab_to(qtbot, s.voice.scope["POLICE"])
    press(qtbot, Qt.Key.Key_Space)

    # Risk (Alt+4): Y, N, D, X answer and move on to the next topic.
    press(qtbot, Qt.Key.Key_4, ALT)
    assert focused() is s.risk.table.rows[0].buttons[RiskAnswer.YES]
    for key in "Y" * 14 + "N" * 8 + "D" + "X":
        type_text(qtbot, key)
    assert focused() is s.risk.pj
    _choose(qtbot, s.risk.events, "3")
    _choose(qtbot, s.risk.marac, "Y")

    # Safe contact (Alt+5) and outcome (Alt+6).
    press(qtbot, Qt.Key.Key_5, ALT)
    assert focused() is s.safe_contact.method
    type_text(qtbot, "P")
    _choose(qtbot, s.safe_contact.number, "07700 900123")
    _choose(qtbot, s.safe_contact.times, "weekdays after 6pm")
    tab_to(qtbot, s.safe_contact.text_ok)
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_6, ALT)
    assert focused() is s.outcome.code
    press(qtbot, Qt.Key.Key_Down)  # first code: 1
    _choose(qtbot, s.outcome.date, "03/03/2025")

    with qtbot.waitSignal(page.case_saved, timeout=10_000) as saved:
        press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    case = saved.args[0]
    assert case.first_visit is not None and "Saved" in page.status.text()
    assert read_draft(ctx, case_id) is None  # the draft went with the save
    assert not page.has_unsaved_changes()
    page.close()

    again = open_case_page(qtbot, ctx, case_id)
    v = again.sections.visit
    assert again.amending
    assert v.visit_at.value() == visit_at
    assert v.mode.value() == VisitMode.JOINT
    assert v.safe_to_talk.value() == SafeToTalk.YES
    assert v.suspect_location.value() == SuspectLocation.IN_CUSTODY
    assert v.children.value_or_none() == 2
    assert v.encompass_notified.value() == EncompassNotified.YES
    assert v.police_risk_grade.value() == RiskGrade.HIGH
    assert (v.repeat_victim.value(), v.repeat_suspect.value()) == (True, False)
    assert v.idva_code.text() == "IDVA07"
    assert v.note.toPlainText() == "Seen with PC 1234 at the address."
    offers = again.sections.support.state()["offers"]
    assert offers[OfferType.IDVA_SUPPORT] == {"status": "ACCEPTED", "decline_reason": None}
    assert offers[OfferType.PROSECUTION_SUPPORT] == {
        "status": OfferStatus.DECLINED, "decline_reason": DeclineReason.FEAR_OF_REPRISAL}
    assert offers[OfferType.SAFETY_PLAN]["status"] == OfferStatus.ACCEPTED
    referrals = again.sections.support.state()["referrals"]
    assert referrals[ReferralTarget.HOUSING]["status"] == OfferStatus.ACCEPTED
    assert referrals[ReferralTarget.MARAC]["status"] == OfferStatus.ACCEPTED
    assert referrals[ReferralTarget.REFUGE]["status"] is None
    history = again.sections.voice.history
    assert len(history.cards) == 1
    shown = " ".join(label.text() for label in history.cards[0].findChildren(type(again.status)))
    assert WORDS in shown and "Stay in their home" in shown and "Police" in shown
    assert again.sections.voice.words.toPlainText() == ""  # a new entry starts empty
    risk = again.sections.risk.state()
    assert risk["answers"] == ["YES"] * 14 + ["NO"] * 8 + ["DONT_KNOW", "NOT_ASKED"]
    assert (risk["da_events_12m"], risk["marac_referral"]) == (3, True)
    assert "14 yes" in again.sections.risk.score_label.text()
    sc = again.sections.safe_contact
    assert sc.method.value() == SafeContactMethod.PHONE
    assert (sc.number.text(), sc.times.text()) == ("07700 900123", "weekdays after 6pm")
    assert sc.number.masked and sc.times.masked
    assert (sc.voicemail.isChecked(), sc.text_ok.isChecked()) == (False, True)
    assert again.sections.outcome.code.value() == "1"
    assert again.sections.outcome.date.value() == date(2025, 3, 3)
    stored = get_case(ctx, case_id)
    assert stored.voice[0].goals == [VictimGoal.STAY_IN_HOME]
    assert stored.voice[0].consent_to_share is ConsentToShare.YES
    assert stored.voice[0].consent_scope == [ConsentScope.POLICE]


def test_an_amendment_asks_for_a_reason_and_saves_nothing_without_one(qtbot, ctx):
    case_id = new_case(ctx)
    page = open_case_page(qtbot, ctx, case_id)
    page.sections.visit.mode.set_value("JOINT")
    with qtbot.waitSignal(page.case_saved, timeout=10_000):
        page.save()
    assert page.amending and "Amending" in page.header.mode.text()

    page.sections.visit.note.setPlainText("Corrected note.")
    asked = []
    page.ask_justification = lambda: asked.append(1) or None  # cancelled
    before = counts(ctx)
    page.save()
    assert asked and "needs a short reason" in page.status.text()
    assert counts(ctx) == before

    page.ask_justification = lambda: "typo in the note"
    with qtbot.waitSignal(page.case_saved, timeout=10_000) as saved:
        page.save()
    assert saved.args[0].first_visit.note == "Corrected note."
    assert len(saved.args[0].visits) == 1  # amended in place, not a second visit

    # Adding to the victim's voice appends; nothing recorded changes, so no reason is asked.
    asked.clear()
    page.ask_justification = lambda: asked.append(1) or "should not be asked"
    page.sections.voice.words.setPlainText("Later: she wants a non-molestation order.")
    with qtbot.waitSignal(page.case_saved, timeout=10_000) as saved:
        page.save()
    assert not asked and len(saved.args[0].voice) == 1


def test_a_correction_is_a_new_entry_that_names_the_old_one(qtbot, ctx):
    case_id = new_case(ctx)
    page = open_case_page(qtbot, ctx, case_id)
    page.sections.visit.mode.set_value("PHONE")
    page.sections.voice.words.setPlainText("I want him gone.")
    with qtbot.waitSignal(page.case_saved, timeout=10_000):
        page.save()
    voice = page.sections.voice
    first = get_case(ctx, case_id).voice[0]
    qtbot.mouseClick(voice.history.buttons[first.entry_id], Qt.MouseButton.LeftButton)
    assert voice.words.toPlainText() == "I want him gone."  # pre-filled
    assert "Correcting the entry of" in voice.new_title.text()
    assert focused() is voice.words
    voice.words.setPlainText("I want him to leave the house.")
    page.ask_justification = lambda: "victim clarified"
    with qtbot.waitSignal(page.case_saved, timeout=10_000) as saved:
        page.save()
    entries = saved.args[0].voice
    assert [e.words for e in entries] == ["I want him gone.", "I want him to leave the house."]
    assert entries[0].words == first.words  # the original is untouched
    assert entries[1].corrects == first.entry_id
    texts = [lbl.text() for card in voice.history.cards for lbl in card.findChildren(type(page.status))]
    assert any(t.startswith("Corrects the entry of") for t in texts)
    assert any(t.startswith("Corrected by the entry of") for t in texts)


def test_decline_reason_is_only_available_when_declined(qtbot, ctx):
    page = open_case_page(qtbot, ctx, new_case(ctx))
    row = page.sections.support.offers["IDVA_SUPPORT"]
    assert not row.reason.isEnabled()
    row.status.set_value("DECLINED")
    assert row.reason.isEnabled()
    row.reason.set_value("NOT_READY")
    row.status.set_value("ACCEPTED")
    assert not row.reason.isEnabled()
    assert row.record() == {"status": "ACCEPTED", "decline_reason": None}


def test_score_and_marac_prompts_follow_the_answers(qtbot, ctx):
    page = open_case_page(qtbot, ctx, new_case(ctx))
    risk = page.sections.risk
    risk.table.set_answers(["YES"] * 13 + ["NO"] * 11)
    risk.changed.emit()
    assert "13 yes of 24" in risk.score_label.text()
    assert risk.prompt.isHidden()
    risk.table.rows[13].set_answer("YES")
    assert "14 yes of 24" in risk.score_label.text()
    assert "High" in risk.score_label.text()
    assert "Visible high risk (14 or more yes answers): \u2714 met" in risk.criteria_label.text()
    assert "MARAC criteria met (1)" in risk.prompt.text()
    risk.events.setValue(3)
    risk.repeat.setChecked(True)
    assert "MARAC criteria met (3)" in risk.prompt.text()
    assert not risk.rationale.isEnabled()
    risk.pj.setChecked(True)
    assert risk.rationale.isEnabled()
    assert risk.criteria_label.text().count("\u2714 met") == 4  # all four criteria
    assert risk.state()["professional_judgement"] is True


def test_tab_order_follows_reading_order(qtbot, ctx):
    """From the first input, Tab visits the sections in order, top to bottom within each."""
    page = open_case_page(qtbot, ctx, new_case(ctx))
    sections = list(page.sections)
    content = page.scroll.content
    press(qtbot, Qt.Key.Key_1, ALT)
    seen = []
    for _ in range(200):
        widget = focused()
        if widget is None or not content.isAncestorOf(widget):
            break
        owner = next(i for i, s in enumerate(sections) if s.isAncestorOf(widget))
        seen.append((owner, widget.mapTo(content, widget.rect().topLeft()).y()))
        press(qtbot, Qt.Key.Key_Tab)
    owners = [o for o, _ in seen]
    assert owners == sorted(owners) and set(owners) == set(range(len(sections)))
    for index in range(len(sections)):
        ys = [y for o, y in seen if o == index]
        # within a row (two columns, a button beside its input) tops differ by a few pixels
        assert all(b >= a - 8 for a, b in zip(ys, ys[1:], strict=False)), (
            f"Tab goes back up inside {sections[index].title}")
