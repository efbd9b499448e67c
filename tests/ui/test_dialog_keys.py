"""Keyboard and wording in the dialogs (issue 16, item 5), through the real widgets.

Alt+letter presses the button it is written on (Alt+S on the preview's Save did nothing: a
second shortcut had replaced it); the case-summary options tab in reading order; answering the
risk checklist by key keeps the question in view; no "her", "she" or "his" in what the app says.
"""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import pytest
from case_fixtures import close_context, make_context, new_case, open_case_page, press, type_text
from conftest import activate
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QWidget
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from fieldapp.domain.enums import RiskAnswer
from fieldapp.settings import Settings
from fieldapp.ui.dialogs.create_vault_dialog import CreateVaultDialog
from fieldapp.ui.dialogs.new_incident_dialog import NewIncidentDialog
from fieldapp.ui.dialogs.report_options_dialog import ReportOptionsDialog
from fieldapp.ui.dialogs.report_request import ReportKind
from fieldapp.ui.dialogs.settings_dialog import SettingsDialog
from fieldapp.ui.dialogs.tracker_export_dialog import ExportTrackerDialog
from fieldapp.ui.dialogs.tracker_report_dialog import ImportReportDialog
from fieldapp.ui.pages.case_page.justify import JustificationDialog
from fieldapp.ui.pdf_preview import PdfPreview

ROOT = Path(__file__).resolve().parents[2]
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def pdf_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "one.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    page.drawString(72, 760, "OFFICIAL-SENSITIVE")
    page.save()
    return path.read_bytes()


def _mnemonic(text: str) -> str | None:
    match = re.search(r"&([^&])", text.replace("&&", ""))
    return match[1].upper() if match else None


def test_alt_s_saves_from_the_pdf_preview(qtbot, pdf_bytes, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (asked.append("save") or "", ""))  # the OS picker only
    preview = PdfPreview(pdf_bytes, title="Case summary", suggested_name="case.pdf")
    qtbot.addWidget(preview)
    preview.show()
    activate(qtbot, preview)
    qtbot.keyClick(preview, Qt.Key.Key_S, ALT)
    qtbot.waitUntil(lambda: asked == ["save"], timeout=3_000)
    qtbot.keyClick(preview, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # and Ctrl+S
    qtbot.waitUntil(lambda: asked == ["save", "save"], timeout=3_000)


def _dialogs(context, pdf_bytes, tmp_path) -> list[tuple[str, QWidget]]:
    from fieldapp.services.tracker_import import ImportReport

    host = QWidget()
    return [
        ("create vault", CreateVaultDialog(tmp_path / "new")),
        ("new incident", NewIncidentDialog(context, host)),
        ("settings", SettingsDialog(Settings(), host, context=context)),
        *[(f"report {kind.value}", ReportOptionsDialog(context, kind, parent=host))
          for kind in ReportKind],
        ("export", ExportTrackerDialog(context, host)),
        ("import report", ImportReportDialog(ImportReport(file_name="t.csv", imported=1), None,
                                             host)),
        ("amendment", JustificationDialog(host)),
        ("preview", PdfPreview(pdf_bytes, title="Case summary", suggested_name="c.pdf",
                               parent=host)),
    ], host


def test_every_buttons_alt_letter_presses_it(qtbot, context, pdf_bytes, tmp_path):
    """Each button whose text has an "&" gets exactly that Alt+letter (nothing replaced it,
    no other button in its window shares it), and pressing it clicks the button."""
    dialogs, host = _dialogs(context, pdf_bytes, tmp_path)
    qtbot.addWidget(host)
    for name, dialog in dialogs:
        dialog.show()
        activate(qtbot, dialog)
        letters: dict[str, str] = {}
        for button in dialog.findChildren(QAbstractButton):
            letter = _mnemonic(button.text())
            if letter is None or not button.isVisible():
                continue
            assert button.shortcut().toString() == f"Alt+{letter}", (name, button.text())
            assert letter not in letters, (name, button.text(), letters[letter])
            letters[letter] = button.text()
            if not button.isEnabled() or button.text().replace("&", "") in (
                    "Quit", "Cancel", "Close"):
                continue
            clicked: list[bool] = []
            with warnings.catch_warnings():  # a button nothing is connected to says so
                warnings.simplefilter("ignore", RuntimeWarning)
                button.clicked.disconnect()  # what it does is tested elsewhere; here: the key
            button.clicked.connect(lambda *_a, seen=clicked: seen.append(True))
            qtbot.keyClick(QApplication.focusWidget() or dialog, getattr(Qt.Key, f"Key_{letter}"),
                           ALT)
            qtbot.wait(150)  # a mnemonic clicks by animateClick (100 ms)
            assert clicked, f"Alt+{letter} did not press {button.text()!r} in {name}"
        dialog.close()


def test_case_summary_options_tab_in_reading_order(qtbot, context):
    dialog = ReportOptionsDialog(context, ReportKind.CASE)
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    dialog.case_ref.setFocus()
    expected = [dialog.include_voice, None, dialog.voice_reason, dialog.disclosure.recipient,
                dialog.disclosure.purpose, dialog.password.password, dialog.build_button]
    for step in expected:
        if step is None:  # tick the box from the keyboard: the reason field is enabled
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
            assert dialog.include_voice.isChecked() and dialog.voice_reason.isEnabled()
            assert QApplication.focusWidget() is dialog.include_voice
            continue
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is step, step.accessibleName()
        assert step.isVisible() and step.isEnabled()


def test_answering_the_risk_checklist_by_key_keeps_the_question_in_view(qtbot, tmp_path):
    context = make_context(tmp_path / "vault")
    try:
        page = open_case_page(qtbot, context, new_case(context))
        page.resize(1366, 600)  # a small laptop screen: the checklist is taller than the view
        table = page.sections.risk.table
        press(qtbot, Qt.Key.Key_4, ALT)
        assert QApplication.focusWidget() is table.rows[0].buttons[RiskAnswer.YES]
        viewport = page.scroll.viewport()
        for number, key in enumerate("YNDX" * 5 + "YNYN", start=1):
            type_text(qtbot, key)
            for row in table.rows[number - 1:number + 1]:
                button = row.focus_target()
                top = button.mapTo(viewport, QPoint(0, 0)).y()
                assert 0 <= top and top + button.height() <= viewport.height(), (
                    f"question {row.number} is out of view after answering {number}")
    finally:
        close_context(context)


# ------------------------------------------------------------------ wording
GENDERED = re.compile(r"\b(she|her|hers|herself|he|him|his|himself)\b", re.IGNORECASE)


def _ui_strings() -> list[tuple[str, str]]:
    """Every string literal in the desktop app's code (the words it can show), with its file."""
    found = []
    for path in sorted((ROOT / "fieldapp").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
                      and node.body and isinstance(node.body[0], ast.Expr)
                      and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in docstrings):
                found.append((str(path.relative_to(ROOT)), node.value))
    return found


def test_no_gendered_words_in_what_the_app_says():
    strings = _ui_strings()
    assert len(strings) > 1000  # the walk found the app's strings
    bad = [(where, text) for where, text in strings if GENDERED.search(text)]
    assert bad == []


def test_no_gendered_words_in_the_translations():
    files = sorted((ROOT / "resources" / "i18n").glob("*.ts"))
    assert files
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "<source>" in line:
                assert not GENDERED.search(line.replace("&apos;", "'")), (path.name, line)


def test_tab_follows_the_reading_order_in_every_dialog(qtbot, context, pdf_bytes, tmp_path):
    """From the first input, Tab visits every visible, enabled input once, top to bottom and,
    along a row, left to right, and never lands on a hidden or disabled one."""
    dialogs, host = _dialogs(context, pdf_bytes, tmp_path)
    qtbot.addWidget(host)
    for name, dialog in dialogs:
        dialog.show()
        activate(qtbot, dialog)
        start = QApplication.focusWidget()
        seen: list[QWidget] = []
        widget = start
        for _ in range(60):
            seen.append(widget)
            qtbot.keyClick(widget, Qt.Key.Key_Tab)
            widget = QApplication.focusWidget()
            if widget is start or widget in seen:
                break
        places = []
        for widget in seen:
            assert widget.isVisible() and widget.isEnabled(), (name, widget.accessibleName())
            corner = widget.mapTo(dialog, QPoint(0, 0))
            places.append((corner.y(), corner.x(), widget.accessibleName() or type(widget)))
        first = places.index(min(places, key=lambda p: (p[0], p[1])))
        places = places[first:] + places[:first]  # the cycle read from the top-left input
        rows = [places[0]]
        for place in places[1:]:
            previous = rows[-1]
            same_row = abs(place[0] - previous[0]) < widget.fontMetrics().height()
            assert place[0] > previous[0] or (same_row and place[1] > previous[1]), (
                name, previous[2], "then", place[2])
            rows.append(place)
        dialog.close()
