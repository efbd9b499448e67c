"""File > Import tracker and File > Export tracker through real dialogs over a real vault.

File dialogs and message boxes are replaced by stand-ins that answer at once (a tmp path; a
recorded message); everything else is real: widgets offscreen, the writer queue, SQLCipher.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import shiboken6
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from sqlalchemy import func, select

from fieldapp.services import tracker_import
from fieldapp.store import Store, orm
from fieldapp.tracker import RowRejection
from fieldapp.ui import tasks, tracker_dialogs
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.tracker_export_dialog import ExportTrackerDialog
from fieldapp.ui.dialogs.tracker_import_dialog import ImportTrackerDialog
from fieldapp.ui.dialogs.tracker_report_dialog import ImportReportDialog
from fieldapp.ui.models.import_report_model import (
    COL_COLUMN,
    COL_LINE,
    COL_REASON,
    ImportReportModel,
    SortRole,
    sorted_proxy,
)
from fieldapp.vault import Vault
from tests.ui.conftest import activate, press, unnamed_inputs

PASSPHRASE = b"correct horse battery staple"


@pytest.fixture
def coord(tmp_path: Path) -> Iterator[AppContext]:
    vault = Vault.create(tmp_path / "vault", passphrase=bytearray(PASSPHRASE), user="coord1",
                         role="coordinator")
    context = AppContext(vault, Store.open(vault))
    yield context
    tasks.wait_for_all()
    vault.lock()


@pytest.fixture
def window(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def messages(monkeypatch) -> list[tuple[str, str, str]]:
    seen: list[tuple[str, str, str]] = []
    for kind in ("information", "warning", "critical"):
        def record(parent, title, text, *_a, _kind=kind, **_k):
            seen.append((_kind, title, text))
            return QMessageBox.StandardButton.Ok
        monkeypatch.setattr(QMessageBox, kind, record)
    return seen


@pytest.fixture
def files(monkeypatch) -> dict[str, object]:
    """What the file dialogs answer next: set ``open``/``save`` to a path (None: cancelled)."""
    answers: dict[str, object] = {"open": None, "save": None, "asked": 0}

    def ask(kind):
        def dialog(*_a, **_k):
            answers["asked"] = int(answers["asked"]) + 1
            value = answers[kind]
            return (str(value) if value else "", "")
        return dialog
    monkeypatch.setattr(QFileDialog, "getOpenFileName", ask("open"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask("save"))
    return answers


def count(context: AppContext, table) -> int:
    with context.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(table))


def run_import(qtbot, window: QWidget, context: AppContext) -> ImportReportDialog:
    tracker_dialogs.import_tracker(window, context)
    dialog = window.findChild(ImportTrackerDialog)
    assert dialog is not None and dialog.isVisible() and not unnamed_inputs(dialog)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(ImportReportDialog) is not None, timeout=20_000)
    return window.findChild(ImportReportDialog)


# ------------------------------------------------------------------ the model, without widgets
def test_import_report_model_columns_roles_and_sorting():
    rows = [RowRejection(10, "bcu", "must be one of WEST, EAST, SOUTH"),
            RowRejection(9, "outcome_code", "Must be a Home Office outcome code"),
            RowRejection(100, "", "too many cells")]
    model = ImportReportModel(rows)
    assert (model.rowCount(), model.columnCount()) == (3, 3)
    assert model.rowCount(model.index(0, 0)) == 0  # a table: no children
    assert model.headerData(COL_LINE, Qt.Orientation.Horizontal) == "Line"
    assert model.index(0, COL_LINE).data() == "10"
    assert model.index(0, COL_LINE).data(SortRole) == 10
    assert model.index(2, COL_COLUMN).data() == "(whole row)"
    assert model.index(1, COL_REASON).data(SortRole) == "must be a home office outcome code"
    assert model.data(QModelIndex()) is None
    proxy = sorted_proxy(model)
    proxy.sort(COL_LINE, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, COL_LINE).data() for r in range(3)] == ["9", "10", "100"]  # not "10" < "9"
    proxy.sort(COL_LINE, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, COL_LINE).data(SortRole) for r in range(3)] == [100, 10, 9]
    proxy.sort(COL_COLUMN, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, COL_COLUMN).data(SortRole) for r in range(3)] == ["", "bcu", "outcome_code"]
    model.set_rejections([])
    assert proxy.rowCount() == 0


# ------------------------------------------------------------------ import
def test_import_sample_shows_counts_rejections_and_saves_the_report(
        qtbot, window, coord, sample_tracker, files, messages, tmp_path):
    files["open"] = sample_tracker
    report_dialog = run_import(qtbot, window, coord)
    assert report_dialog.figure_values() == {"imported": 150, "updated": 0, "unchanged": 0,
                                             "rejected": 6}
    table = report_dialog.table
    proxy = table.model()
    assert table.isVisible() and proxy.rowCount() == 6
    lines = [int(proxy.index(r, COL_LINE).data()) for r in range(6)]
    assert lines == sorted(lines) and min(lines) > 2
    header = table.horizontalHeader()
    at = QPoint(header.sectionViewportPosition(COL_LINE) + 4, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)  # click the heading
    descending = [int(proxy.index(r, COL_LINE).data()) for r in range(6)]
    assert descending == sorted(lines, reverse=True)
    assert "bcu" in [proxy.index(r, COL_COLUMN).data() for r in range(6)]
    assert count(coord, orm.Visit) == 150
    assert not unnamed_inputs(report_dialog)
    assert messages == []

    files["save"] = tmp_path / "out" / "sample-report"  # no suffix: .csv is added
    (tmp_path / "out").mkdir()
    activate(qtbot, report_dialog)
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = tmp_path / "out" / "sample-report.csv"
    qtbot.waitUntil(saved.is_file, timeout=2_000)  # a button's shortcut clicks it after a beat
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["line", "column", "reason"] and len(rows) == 7
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(lines)
    assert "sample-report.csv" in report_dialog.saved_message.text()
    report_dialog.close()


def big_tracker(sample: Path, folder: Path, monkeypatch, rows: int = 2400) -> Path:
    """``rows`` new rows (header on line 1), imported 40 to a batch, each batch a little slow."""
    source = sample.read_text(encoding="utf-8").splitlines()
    header = next(line for line in source if line.startswith("visit_id"))
    good = source[2:152]
    ref = header.split(",").index("police_incident_ref")
    out = [header]
    for i in range(rows):
        cells = good[i % len(good)].split(",")
        cells[0] = ""  # derived from the reference and time, so each generated row is new
        cells[ref] = f"GEN-{i:05d}"
        out.append(",".join(cells))
    big = folder / "big.csv"
    big.write_text("\n".join(out) + "\n", encoding="utf-8")
    monkeypatch.setattr(tracker_import, "BATCH_ROWS", 40)
    real_apply = tracker_import._apply

    def slow_apply(*args, **kwargs):
        time.sleep(0.02)  # a slow laptop: the Stop click lands while batches are still going
        return real_apply(*args, **kwargs)
    monkeypatch.setattr(tracker_import, "_apply", slow_apply)
    return big


def test_cancel_stops_between_batches_and_says_where(
        qtbot, window, coord, sample_tracker, files, messages, tmp_path, monkeypatch):
    files["open"] = big_tracker(sample_tracker, tmp_path, monkeypatch)
    tracker_dialogs.import_tracker(window, coord)
    dialog = window.findChild(ImportTrackerDialog)
    with qtbot.waitSignal(dialog.relay.line_reached, timeout=10_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.running and "Stop" in dialog.cancel_button.text()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(ImportReportDialog) is not None, timeout=20_000)
    report_dialog = window.findChild(ImportReportDialog)
    report = report_dialog.report
    assert report.cancelled and report.stopped_after_line < 2401
    stopped = report.stopped_after_line
    saved_rows = stopped - 1  # header on line 1, so line N is data row N - 1
    assert saved_rows % 40 == 0 and 0 < saved_rows < 2400
    assert count(coord, orm.Visit) == count(coord, orm.Case) == count(coord, orm.Incident) == saved_rows
    assert report_dialog.figure_values()["imported"] == saved_rows
    text = report_dialog.stopped.text()
    assert f"stopped after line {stopped:,}" in text and "saved whole" in text
    report_dialog.close()


def test_a_lock_during_an_import_stops_it_and_closes_the_dialog(
        qtbot, window, coord, sample_tracker, files, messages, tmp_path, monkeypatch):
    files["open"] = big_tracker(sample_tracker, tmp_path, monkeypatch)
    tracker_dialogs.import_tracker(window, coord)
    dialog = window.findChild(ImportTrackerDialog)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc asks the import to stop; the dialog stays
    assert dialog.isVisible() and "Stopping" in dialog.progress_label.text()
    dialog.reject()  # what the shell's lock does to every open dialog
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=20_000)  # once stopped
    assert window.findChild(ImportReportDialog) is None and messages == []
    assert 0 < count(coord, orm.Visit) < 2400 and count(coord, orm.Visit) % 40 == 0


def test_uk_dates_box_reaches_the_reader(qtbot, window, coord, files, tmp_path, sample_tracker):
    lines = sample_tracker.read_text(encoding="utf-8").splitlines()
    header = next(line for line in lines if line.startswith("visit_id"))
    day_first = next(line for line in lines if "/2022" in line)  # 29/10/2022-style dates
    small = tmp_path / "uk.csv"
    small.write_text(f"{header}\n{day_first}\n", encoding="utf-8")
    files["open"] = small
    tracker_dialogs.import_tracker(window, coord)
    dialog = window.findChild(ImportTrackerDialog)
    qtbot.mouseClick(dialog.uk_dates, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(ImportReportDialog) is not None, timeout=10_000)
    assert window.findChild(ImportReportDialog).figure_values()["imported"] == 1


def test_a_file_level_problem_is_shown_plainly(qtbot, window, coord, files, messages, tmp_path):
    bad = tmp_path / "semicolons.csv"
    bad.write_text("visit_id;bcu;police_incident_ref\n1;WEST;X\n", encoding="utf-8")
    files["open"] = bad
    tracker_dialogs.import_tracker(window, coord)
    dialog = window.findChild(ImportTrackerDialog)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    kind, title, text = messages[0]
    assert kind == "warning" and "semicolons.csv" in text and "separated by ';'" in text
    assert dialog.import_button.isEnabled() and not dialog.running  # can choose another file
    assert window.findChild(ImportReportDialog) is None
    dialog.reject()


def test_locked_or_cancelled_file_choice_does_nothing(qtbot, window, coord, files):
    tracker_dialogs.import_tracker(window, None)
    tracker_dialogs.export_tracker(window, None)
    assert files["asked"] == 0
    assert window.findChild(ImportTrackerDialog) is None
    assert window.findChild(ExportTrackerDialog) is None
    tracker_dialogs.import_tracker(window, coord)  # the file dialog is cancelled
    assert files["asked"] == 1 and window.findChild(ImportTrackerDialog) is None


# ------------------------------------------------------------------ export
@pytest.fixture
def imported(coord, sample_tracker) -> AppContext:
    with coord.uow() as uow:
        tracker_import.import_tracker(uow=uow, path=sample_tracker)
    return coord


def disclosures(context: AppContext) -> list[orm.AuditEntry]:
    with context.uow() as uow:
        rows = uow.session.scalars(select(orm.AuditEntry).where(
            orm.AuditEntry.action == "disclosure").order_by(orm.AuditEntry.seq)).all()
        return [(r.record_type, r.record_id, r.recipient, r.justification) for r in rows]


def test_export_is_refused_without_recipient_and_purpose(qtbot, window, imported, files):
    tracker_dialogs.export_tracker(window, imported)
    dialog = window.findChild(ExportTrackerDialog)
    assert dialog is not None and not unnamed_inputs(dialog)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    messages = dialog.disclosure.rows.messages
    assert "audit log" in messages[dialog.disclosure.recipient].text()
    assert "audit log" in messages[dialog.disclosure.purpose].text()
    assert "audit log" in dialog.disclosure.recipient.accessibleDescription()
    assert files["asked"] == 0  # no save dialog before both are given
    qtbot.keyClicks(dialog.disclosure.recipient, "Evaluation team")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert messages[dialog.disclosure.recipient].text() == ""
    assert messages[dialog.disclosure.purpose].text() and files["asked"] == 0
    assert disclosures(imported) == []
    dialog.reject()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_writes_the_file_and_logs_the_disclosure(
        qtbot, window, imported, files, messages, tmp_path, fmt):
    tracker_dialogs.export_tracker(window, imported)
    dialog = window.findChild(ExportTrackerDialog)
    if fmt == "xlsx":
        qtbot.mouseClick(dialog.xlsx, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.disclosure.recipient, "Evaluation team, UCLan")
    qtbot.keyClicks(dialog.disclosure.purpose, "quarterly evaluation")
    files["save"] = tmp_path / "tracker-export"
    activate(qtbot, dialog)
    dialog.disclosure.purpose.setFocus()
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    out = tmp_path / f"tracker-export.{fmt}"
    assert out.is_file()
    kind, _title, text = messages[0]
    assert kind == "information" and "150 rows" in text and "Evaluation team, UCLan" in text
    if fmt == "csv":
        first = out.read_text(encoding="utf-8-sig").splitlines()[0]
    else:
        first = str(openpyxl.load_workbook(out, read_only=True).active["A1"].value)
    assert first.startswith("# OFFICIAL-SENSITIVE")
    assert disclosures(imported) == [("tracker", out.name, "Evaluation team, UCLan",
                                      "quarterly evaluation")]
    qtbot.waitUntil(lambda: window.findChild(ExportTrackerDialog) is None, timeout=2_000)
