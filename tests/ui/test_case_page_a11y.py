"""Every input on the case page has an accessible name; errors are announced with the field."""

from __future__ import annotations

import pytest
from case_fixtures import close_context, make_context, new_case, open_case_page

from fieldapp.ui.widgets import is_input


@pytest.fixture
def ctx(tmp_path):
    context = make_context(tmp_path / "vault")
    yield context
    close_context(context)


def unnamed_inputs(root):
    from PySide6.QtWidgets import QWidget

    return [f"{type(w).__name__} {w.objectName() or ''} text={getattr(w, 'text', lambda: '')()!r}"
            for w in root.findChildren(QWidget) if is_input(w) and not w.accessibleName().strip()]


def test_every_input_on_the_case_page_has_an_accessible_name(qtbot, ctx):
    page = open_case_page(qtbot, ctx, new_case(ctx))
    page.sections.visit.mode.set_value("JOINT")
    page.sections.voice.words.setPlainText("Words")
    with qtbot.waitSignal(page.case_saved, timeout=10_000):
        page.save()  # so the voice history (with its buttons) is on the page too
    assert page.sections.voice.history.buttons
    assert unnamed_inputs(page) == []
    page.ask_justification = lambda: None


def test_risk_answers_are_named_with_their_topic(qtbot, ctx):
    page = open_case_page(qtbot, ctx, new_case(ctx))
    names = [b.accessibleName() for b in page.sections.risk.table.rows[14].buttons.values()]
    assert names == ["15. Strangle, choke, suffocate or drown: Yes",
                     "15. Strangle, choke, suffocate or drown: No",
                     "15. Strangle, choke, suffocate or drown: Don't know",
                     "15. Strangle, choke, suffocate or drown: Not asked"]
