"""The KPI dialog's "Save as spreadsheet (.xlsx)": the real dialog from the Reports menu, a real
vault with the sample tracker, the workbook written in the writer queue and read back with
openpyxl, and the disclosure in the audit log. The file dialog answers at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget
from sqlalchemy import select

from fieldapp.domain.enums import Bcu
from fieldapp.services import tracker_import
from fieldapp.services.kpi import vault_kpis
from fieldapp.store import Store, orm
from fieldapp.tracker import KpiFilter
from fieldapp.ui import report_dialogs, tasks
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.report_options_dialog import ReportOptionsDialog
from fieldapp.vault import Vault
from tests.ui.conftest import activate, unnamed_inputs

PASSPHRASE = b"correct horse battery staple"


@pytest.fixture(scope="module")
def context(tmp_path_factory, sample_tracker) -> Iterator[AppContext]:
    folder = tmp_path_factory.mktemp("kpi-xlsx-ui") / "vault"
    vault = Vault.create(folder, passphrase=bytearray(PASSPHRASE), user="coord1",
                         role="coordinator")
    context = AppContext(vault, Store.open(vault))
    with context.uow() as uow:
        tracker_import.import_tracker(uow=uow, path=sample_tracker)
    yield context
    tasks.wait_for_all()
    vault.lock()


@pytest.fixture
def answers(monkeypatch) -> dict[str, Any]:
    """The save dialog's answer (and how often it was asked); message boxes seen."""
    seen: dict[str, Any] = {"path": None, "asked": 0, "messages": []}

    def save_as(*_args: Any, **_kwargs: Any) -> tuple[str, str]:
        seen["asked"] += 1
        return str(seen["path"] or ""), ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    monkeypatch.setattr(QMessageBox, "information",
                        lambda _p, _t, text, *a, **k: seen["messages"].append(text))
    return seen


def _open(qtbot, context: AppContext) -> tuple[QWidget, ReportOptionsDialog]:
    window = QWidget()
    qtbot.addWidget(window)
    menu = QMenu(window)
    report_dialogs.populate_reports_menu(menu, parent=window, context=lambda: context,
                                         current_case=lambda: None)
    menu.actions()[2].trigger()
    dialog = window.findChild(ReportOptionsDialog)
    assert dialog is not None and dialog.isVisible() and not unnamed_inputs(dialog)
    qtbot.keyClicks(dialog.disclosure.recipient, "Evaluators")
    qtbot.keyClicks(dialog.disclosure.purpose, "quarterly figures")
    return window, dialog


def _disclosures(context: AppContext) -> list[tuple[str, str]]:
    with context.uow() as uow:
        rows = uow.session.scalars(select(orm.AuditEntry).where(
            orm.AuditEntry.action == "disclosure", orm.AuditEntry.record_type == "kpi_report")
            .order_by(orm.AuditEntry.seq)).all()
        return [(row.recipient, row.justification) for row in rows]


def test_alt_s_saves_the_filtered_figures_as_a_workbook(qtbot, context, answers, tmp_path):
    window, dialog = _open(qtbot, context)
    dialog.bcu.setCurrentIndex(dialog.bcu.findText("West"))
    qtbot.keyClicks(dialog.date_from, "01/07/2022")
    answers["path"] = tmp_path / "figures"  # typed without the extension
    before = _disclosures(context)
    activate(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    out = tmp_path / "figures.xlsx"
    qtbot.waitUntil(lambda: bool(answers["messages"]), timeout=30_000)  # then it closes
    qtbot.waitUntil(lambda: window.findChild(ReportOptionsDialog) is None, timeout=5_000)
    assert answers["asked"] == 1 and out.exists()
    assert answers["messages"] and "figures.xlsx" in answers["messages"][0]
    with context.uow() as uow:
        expected = vault_kpis(uow=uow, flt=KpiFilter(bcu=Bcu.WEST, date_from=date(2022, 7, 1)))
    summary = openpyxl.load_workbook(out)["Summary"]
    figures = {row[5].value: (row[2].value, row[3].value, row[4].value)
               for row in summary.iter_rows(min_row=2) if row[5].value and row[2].value is not None}
    json = expected.to_cli_json()
    assert figures["visits"][0] == json["visits"] < 150
    for key in ("within_24h", "idva_support_accepted", "positive_outcomes"):
        n, d, pct = figures[key]
        assert (n, d, round(pct * 100, 1)) == (json[key]["n"], json[key]["d"], json[key]["pct"])
    labels = {row[0].value: row[1].value for row in summary.iter_rows(min_row=2, max_row=13)}
    assert labels["Filter: BCU"] == "WEST"
    assert _disclosures(context)[len(before):] == [
        ("Evaluators", "quarterly figures; spreadsheet saved as figures.xlsx")]


def test_a_pdf_password_is_refused_for_a_spreadsheet(qtbot, context, answers, tmp_path):
    window, dialog = _open(qtbot, context)
    qtbot.keyClicks(dialog.password.password, "a long password")
    qtbot.keyClicks(dialog.password.confirm, "a long password")
    answers["path"] = tmp_path / "never.xlsx"
    before = _disclosures(context)
    qtbot.mouseClick(dialog.xlsx_button, Qt.MouseButton.LeftButton)
    assert "cannot be password-protected" in dialog.rows.messages[dialog.password.password].text()
    assert answers["asked"] == 0 and dialog.isVisible() and not answers["path"].exists()
    assert _disclosures(context) == before
    dialog.reject()
