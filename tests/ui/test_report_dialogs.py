"""Reports menu: options dialogs, PDFs built in a worker, the preview, Save and Print.

One vault for the module (the sample tracker imported, plus a case with the victim's words and
a safe number); each test adds only audit rows, and checks only the rows it added. File and
print dialogs answer at once. Each test that opens the preview runs once per back end (QtPdf
and pypdfium2: the ``pdf_backend`` fixture); the preview itself is tested in test_pdf_preview.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMenu, QMessageBox, QWidget
from sqlalchemy import select

from fieldapp.domain import records as r
from fieldapp.services import capture, tracker_import
from fieldapp.store import Store, orm
from fieldapp.ui import report_dialogs, tasks
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.report_options_dialog import ReportOptionsDialog
from fieldapp.ui.pdf_preview import PdfPreview
from fieldapp.vault import Vault
from tests.ui.conftest import unnamed_inputs

PASSPHRASE = b"correct horse battery staple"
WORDS = "I want him to stop coming round to the house"
SAFE_NUMBER = "07700 900123"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, sample_tracker) -> Iterator[tuple[AppContext, UUID, str]]:
    folder = tmp_path_factory.mktemp("reports") / "vault"
    vault = Vault.create(folder, passphrase=bytearray(PASSPHRASE), user="coord1",
                         role="coordinator")
    context = AppContext(vault, Store.open(vault))
    with context.uow() as uow:
        tracker_import.import_tracker(uow=uow, path=sample_tracker)
    with context.uow() as uow:
        case = capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref="LC-REPORT-1", bcu="WEST", district="BLACKPOOL",
            police_visit_at=datetime.now(UTC) - timedelta(hours=3), victim_name="Robin Example",
            allocated_to="IDVA01"))
        capture.add_voice_entry(uow=uow, case_id=case.case_id, entry=r.VoiceEntryIn(words=WORDS))
        capture.record_safe_contact(uow=uow, case_id=case.case_id, contact=r.SafeContactIn(
            method="PHONE", safe_number=SAFE_NUMBER, safe_times="after 6pm"))
        uow.commit()
    yield context, case.case_id, case.pseudonym
    tasks.wait_for_all()
    vault.lock()


@pytest.fixture
def context(seeded) -> AppContext:
    return seeded[0]


@pytest.fixture
def window(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def save_as(monkeypatch) -> dict[str, Path | None]:
    answer: dict[str, Path | None] = {"path": None}
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (str(answer["path"] or ""), ""))
    return answer


@pytest.fixture(autouse=True)
def no_message_boxes(monkeypatch) -> list[str]:
    seen: list[str] = []
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, lambda _p, _t, text, *a, **k: seen.append(text))
    return seen


def open_dialog(window, context, kind: str, case_id=None) -> ReportOptionsDialog:
    menu = QMenu(window)
    report_dialogs.populate_reports_menu(menu, parent=window, context=lambda: context,
                                         current_case=lambda: case_id)
    action = {"case": 0, "caseload": 1, "kpi": 2}[kind]
    menu.actions()[action].trigger()
    dialog = window.findChild(ReportOptionsDialog)
    assert dialog is not None and dialog.isVisible()
    assert not unnamed_inputs(dialog)
    return dialog


def fill_disclosure(qtbot, dialog, recipient="Team supervisor", purpose="monthly supervision"):
    qtbot.keyClicks(dialog.disclosure.recipient, recipient)
    qtbot.keyClicks(dialog.disclosure.purpose, purpose)


def build(qtbot, window, dialog, backend: str) -> PdfPreview:
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(PdfPreview) is not None, timeout=30_000)
    preview = window.findChild(PdfPreview)
    assert preview.isVisible() and not unnamed_inputs(preview)
    assert type(preview.source).__name__ == {"qtpdf": "QtPdfSource",
                                             "pdfium": "PdfiumSource"}[backend]
    return preview


def assert_shows_a_page(preview: PdfPreview) -> None:
    assert preview.page_count() > 0
    assert preview.page_label.text() == f"Page 1 of {preview.page_count()}"
    image = preview.view.page_image(0).convertToFormat(QImage.Format.Format_RGB32)
    assert image.width() > 200 and image.height() > 200
    white = image.pixel(0, 0)
    inked = sum(1 for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
                if image.pixel(x, y) != white)
    assert inked > 50, "the rendered page is blank"


def save(qtbot, preview: PdfPreview, save_as, path: Path) -> PdfReader:
    save_as["path"] = path.with_suffix("")  # the .pdf suffix is added
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved as" in preview.status.text(), timeout=10_000)
    return PdfReader(path)


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def audit_rows(context: AppContext, record_type: str, action: str = "disclosure"
               ) -> list[tuple[str, str]]:
    with context.uow() as uow:
        rows = uow.session.scalars(select(orm.AuditEntry).where(
            orm.AuditEntry.action == action, orm.AuditEntry.record_type == record_type)
            .order_by(orm.AuditEntry.seq)).all()
        return [(row.recipient, row.justification) for row in rows]


def disclosures(context: AppContext, record_type: str) -> list[tuple[str, str]]:
    return audit_rows(context, record_type)


# ------------------------------------------------------------------ the menu
def test_menu_offers_three_reports_and_nothing_while_locked(qtbot, window):
    menu = QMenu(window)
    report_dialogs.populate_reports_menu(menu, parent=window, context=lambda: None,
                                         current_case=lambda: None)
    texts = [a.text().replace("&", "") for a in menu.actions()]
    assert texts == ["Case summary…", "Caseload summary…", "KPI report…"]
    for action in menu.actions():
        assert action.toolTip()
        action.trigger()
    assert window.findChild(ReportOptionsDialog) is None


# ------------------------------------------------------------------ case summary
def test_case_summary_of_the_open_case_with_her_words(qtbot, window, seeded, save_as, tmp_path,
                                                       pdf_backend):
    context, case_id, pseudonym = seeded
    before = disclosures(context, "case")
    consulted = audit_rows(context, "case", "consultation")
    dialog = open_dialog(window, context, "case", case_id)
    qtbot.waitUntil(lambda: dialog.case_ref.text() == pseudonym, timeout=5_000)
    assert "never appear" in dialog._intro[0].text()
    fill_disclosure(qtbot, dialog)
    qtbot.mouseClick(dialog.include_voice, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    reason_message = dialog.rows.messages[dialog.voice_reason]
    assert "audit log" in reason_message.text()  # refused without a reason
    assert window.findChild(PdfPreview) is None and disclosures(context, "case") == before

    qtbot.keyClicks(dialog.voice_reason, "CPS file review")
    preview = build(qtbot, window, dialog, pdf_backend)
    assert_shows_a_page(preview)
    # Building read the case (a consultation, with the reason); previewing is no disclosure.
    assert audit_rows(context, "case", "consultation")[len(consulted):] == [
        ("", "case summary built; victim's words included: CPS file review")]
    assert disclosures(context, "case") == before
    reader = save(qtbot, preview, save_as, tmp_path / "case.pdf")
    texts = page_texts(reader)
    assert texts and all("OFFICIAL-SENSITIVE" in text for text in texts)
    joined = " ".join(" ".join(texts).split())
    assert "stop coming round" in joined and SAFE_NUMBER not in joined
    assert disclosures(context, "case")[len(before):] == [
        ("Team supervisor", "monthly supervision; PDF saved as case.pdf")]
    preview.reject()


def test_case_summary_asks_for_a_reference_when_no_case_is_open(qtbot, window, context,
                                                                 pdf_backend):
    dialog = open_dialog(window, context, "case")
    assert dialog.case_ref.text() == ""
    fill_disclosure(qtbot, dialog, purpose="file review")
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    assert dialog.rows.messages[dialog.case_ref].text()  # a reference is needed
    qtbot.keyClicks(dialog.case_ref, "LC-NO-SUCH")
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "No single case" in dialog.rows.messages[dialog.case_ref].text(),
                    timeout=10_000)
    dialog.case_ref.clear()
    qtbot.keyClicks(dialog.case_ref, "LC-20221029-01838")
    preview = build(qtbot, window, dialog, pdf_backend)
    assert_shows_a_page(preview)
    preview.reject()


# ------------------------------------------------------------------ caseload
def test_caseload_with_a_password_opens_in_the_preview_and_saves_encrypted(
        qtbot, window, context, save_as, tmp_path, pdf_backend):
    before = disclosures(context, "caseload")
    dialog = open_dialog(window, context, "caseload")
    fill_disclosure(qtbot, dialog, recipient="Service manager")
    qtbot.keyClicks(dialog.password.password, "river lantern 42")
    qtbot.keyClicks(dialog.password.confirm, "river lantern 4")
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    assert "differ" in dialog.rows.messages[dialog.password.confirm].text()
    qtbot.keyClicks(dialog.password.confirm, "2")
    preview = build(qtbot, window, dialog, pdf_backend)
    assert_shows_a_page(preview)
    assert disclosures(context, "caseload") == before  # showing it is not a disclosure
    zoom = preview.view.zoom
    qtbot.mouseClick(preview.zoom_in_button, Qt.MouseButton.LeftButton)
    assert preview.view.zoom == pytest.approx(zoom * 1.25)
    assert preview.zoom_label.text() == f"{round(zoom * 125)}%"
    qtbot.mouseClick(preview.fit_button, Qt.MouseButton.LeftButton)
    assert preview.view.zoom == pytest.approx(zoom)
    reader = save(qtbot, preview, save_as, tmp_path / "caseload.pdf")
    assert reader.is_encrypted and reader.decrypt("river lantern 42")
    assert all("OFFICIAL-SENSITIVE" in text for text in page_texts(reader))
    assert disclosures(context, "caseload")[len(before):] == [
        ("Service manager", "monthly supervision; PDF saved as caseload.pdf")]
    preview.reject()


# ------------------------------------------------------------------ KPI
def test_kpi_report_for_a_period_and_bcu_prints(qtbot, window, context, monkeypatch, tmp_path,
                                                pdf_backend):
    printed = tmp_path / "printed.pdf"
    before = disclosures(context, "kpi_report")

    def fake_exec(dialog: QPrintDialog) -> int:
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(printed))
        dialog.printer().setResolution(100)  # pages rendered at 100 dpi: a quick test
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(QPrintDialog, "exec", fake_exec)

    dialog = open_dialog(window, context, "kpi")
    fill_disclosure(qtbot, dialog, recipient="Evaluators", purpose="quarterly evaluation")
    qtbot.keyClicks(dialog.date_from, "31/13/2022")
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    assert "dd/mm/yyyy" in dialog.rows.messages[dialog.date_from].text()
    dialog.date_from.clear()
    qtbot.keyClicks(dialog.date_from, "01/04/2022")
    qtbot.keyClicks(dialog.date_to, "31/03/2023")
    dialog.bcu.setCurrentIndex(dialog.bcu.findText("West"))
    preview = build(qtbot, window, dialog, pdf_backend)
    assert_shows_a_page(preview)
    assert disclosures(context, "kpi_report") == before  # showing it is not a disclosure
    assert preview.print_pdf()
    reader = PdfReader(printed)
    assert len(reader.pages) == preview.page_count()
    qtbot.waitUntil(lambda: len(disclosures(context, "kpi_report")) == len(before) + 1,
                    timeout=5_000)
    assert disclosures(context, "kpi_report")[len(before):] == [
        ("Evaluators", f"quarterly evaluation; PDF printed ({preview.page_count()} pages)")]
    with context.uow() as uow:
        ids = uow.session.scalars(select(orm.AuditEntry.record_id).where(
            orm.AuditEntry.record_type == "kpi_report")).all()
    assert set(ids) == {"from 01/04/2022, to 31/03/2023, BCU WEST"}
    preview.reject()
