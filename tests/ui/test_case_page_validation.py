"""A refused save shows each problem beside its field and in a summary, and writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from case_fixtures import (
    close_context,
    counts,
    focused,
    make_context,
    new_case,
    open_case_page,
    press,
    read_draft,
)
from PySide6.QtCore import Qt

from fieldapp.domain.errors import Problem, RecordInvalid


@pytest.fixture
def ctx(tmp_path):
    context = make_context(tmp_path / "vault")
    yield context
    close_context(context)


def _fill_valid(page) -> None:
    page.sections.visit.mode.set_value("JOINT")
    page.sections.voice.words.setPlainText("Words that must not be saved yet.")
    page.sections.safe_contact.method.set_value("PHONE")
    page.sections.safe_contact.number.setText("07700 900123")


def test_visit_before_the_police_visit_is_refused_beside_the_field(qtbot, ctx):
    case_id = new_case(ctx, hours_ago=2)
    page = open_case_page(qtbot, ctx, case_id)
    _fill_valid(page)
    page.sections.visit.visit_at.set_value(datetime.now(UTC) - timedelta(hours=3))
    before = counts(ctx)
    saved = []
    page.case_saved.connect(saved.append)

    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    field = page.sections.visit.targets["visit.idva_visit_at"]
    assert field.has_error
    assert "cannot be before the police visit" in field.error.text()
    assert field.error.text().startswith("\u26a0")  # not colour alone
    assert "before the police visit" in page.sections.visit.visit_at.accessibleDescription()
    assert page.summary.isVisible() and len(page.summary.links) == 1
    assert "Visit \u2014 IDVA visit time" in page.summary.links[0].text()
    assert focused() is page.summary.heading
    qtbot.wait(50)
    assert not saved and counts(ctx) == before  # nothing at all was written
    assert "Not saved" in page.status.text()

    # the summary's link takes the person to the field
    page.summary.links[0].linkActivated.emit("#0")
    assert focused() is page.sections.visit.visit_at

    # fixing it clears the messages on the next save, which then goes through
    page.sections.visit.visit_at.set_value(datetime.now(UTC) - timedelta(minutes=5))
    with qtbot.waitSignal(page.case_saved, timeout=10_000):
        page.save()
    assert not field.has_error and page.summary.isHidden()
    assert counts(ctx)["voice"] == before["voice"] + 1


def test_professional_judgement_without_rationale_is_refused_beside_the_rationale(qtbot, ctx):
    case_id = new_case(ctx)
    page = open_case_page(qtbot, ctx, case_id)
    _fill_valid(page)
    risk = page.sections.risk
    risk.pj.setChecked(True)
    before = counts(ctx)

    page.save()

    rationale = risk.targets["risk.rationale"]
    assert rationale.has_error
    assert "professional judgement needs a rationale" in rationale.error.text()
    assert any("Risk \u2014 Rationale" in link.text() for link in page.summary.links)
    qtbot.wait(50)
    assert counts(ctx) == before
    page.summary.links[0].linkActivated.emit("#0")
    assert focused() is risk.rationale


def test_every_problem_is_listed_in_reading_order(qtbot, ctx):
    page = open_case_page(qtbot, ctx, new_case(ctx))
    page.sections.safe_contact.method.set_value("PHONE")  # no number
    page.sections.outcome.date.setText("31/02/2025")
    page.sections.risk.pj.setChecked(True)
    page.save()
    texts = [link.accessibleName() for link in page.summary.links]
    assert len(texts) == 5, texts
    assert "Visit mode: is required" in texts[0]
    assert "Risk" in texts[1]
    assert "Safe contact \u2014 Safe number" in texts[2]
    assert "Outcome \u2014 Outcome code: choose the outcome code" in texts[3]
    assert "Outcome \u2014 Outcome date: is not a date" in texts[4]
    assert page.sections.outcome.targets["outcome.outcome_date"].has_error


def test_a_refusal_from_the_service_is_shown_the_same_way(qtbot, ctx):
    """Services name some fields bare ("idva_visit_at"); they still land beside the field."""
    page = open_case_page(qtbot, ctx, new_case(ctx))
    page._save_failed(RecordInvalid([Problem("idva_visit_at", "the IDVA visit cannot be "
                                                              "before the police visit")]))
    assert page.sections.visit.targets["visit.idva_visit_at"].has_error
    assert page.summary.links and page.scroll.content.isEnabled()


def test_declined_offer_problem_lands_on_its_row(qtbot, ctx):
    page = open_case_page(qtbot, ctx, new_case(ctx))
    support = page.sections.support
    support.offers["SAFETY_PLAN"].status.set_value("ACCEPTED")
    support.referrals["HOUSING"].status.set_value("DECLINED")
    support.form_part()
    page.show_problems([Problem("referrals.0.decline_reason", "pick a reason")])
    assert support.referrals["HOUSING"].error.isVisible()
    assert "Housing" in page.summary.links[0].text()
    assert read_draft(ctx, page.case_id) is None  # showing problems writes nothing
