"""Safe contact details are masked, shown only on request and briefly, and never copied."""

from __future__ import annotations

import pytest
from case_fixtures import close_context, make_context, new_case, open_case_page
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit


@pytest.fixture
def ctx(tmp_path):
    context = make_context(tmp_path / "vault")
    yield context
    close_context(context)


def test_masked_by_default_revealed_on_request_and_masked_again(qtbot, ctx):
    page = open_case_page(qtbot, ctx, new_case(ctx))
    sc = page.sections.safe_contact
    sc.number.setText("07700 900123")
    sc.times.setText("after 6pm")
    assert sc.number.echoMode() == QLineEdit.EchoMode.Password
    assert sc.times.echoMode() == QLineEdit.EchoMode.Password
    assert "0770" not in sc.number.displayText()

    sc.revealer.timeout_ms = 150
    qtbot.mouseClick(sc.reveal_button, Qt.MouseButton.LeftButton)
    assert sc.number.displayText() == "07700 900123"
    assert sc.times.displayText() == "after 6pm"
    assert sc.reveal_button.text() == "Hide now"

    qtbot.waitUntil(lambda: sc.number.masked and sc.times.masked, timeout=3_000)
    assert sc.reveal_button.text() == "Show for 30 seconds"
    assert sc.number.text() == "07700 900123"  # masking never loses the value


def test_the_real_timeout_is_thirty_seconds_and_a_second_press_hides_at_once(qtbot, ctx):
    page = open_case_page(qtbot, ctx, new_case(ctx))
    sc = page.sections.safe_contact
    assert sc.revealer.timeout_ms == 30_000
    sc.reveal_button.click()
    assert not sc.number.masked
    sc.reveal_button.click()
    assert sc.number.masked and sc.times.masked


def test_copy_and_cut_are_refused_even_when_revealed(qtbot, ctx):
    page = open_case_page(qtbot, ctx, new_case(ctx))
    sc = page.sections.safe_contact
    sc.number.setText("07700 900123")
    sc.reveal_button.click()
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("sentinel")
    sc.number.setFocus()
    sc.number.selectAll()
    qtbot.keyClick(sc.number, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(sc.number, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(sc.number, Qt.Key.Key_Insert, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == "sentinel"
    assert sc.number.text() == "07700 900123"  # cut did nothing
    menu = sc.number.standard_menu()
    names = {a.objectName() for a in menu.actions()}
    assert "edit-copy" not in names and "edit-cut" not in names
    assert "edit-paste" in names  # pasting a number in is fine
    menu.deleteLater()
    sc.reveal_button.click()
