"""Fixtures for the desktop UI tests: real vaults (floor-cost Argon2id), real SQLCipher stores.

Every test ends by checking that no background task is still running, so a test cannot pass
while a worker is left holding a database session.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

import fieldapp.ui.qt_compat  # noqa: F401 - PySide6 6.12 on Python 3.11 (see the module)
from fieldapp.domain.records import CaseSummary, IncidentIn
from fieldapp.services import capture, identity
from fieldapp.store import Store
from fieldapp.ui import tasks
from fieldapp.ui.app import AppFlow
from fieldapp.ui.context import AppContext
from fieldapp.vault import Vault

PASSPHRASE = "lantern harbour pebble"
USER = "IDVA01"


@pytest.fixture(autouse=True)
def ui_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("FIELDAPP_TEST_FAST_KDF", "1")
    monkeypatch.setenv("FIELDAPP_CONFIG_DIR", str(tmp_path / "config"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    yield
    finished = tasks.wait_for_all(10_000)
    QApplication.processEvents()
    assert finished, "a background task was still running at the end of the test"


@pytest.fixture
def vault_folder(tmp_path: Path) -> Path:
    return tmp_path / "vault"


def open_context(vault: Vault) -> AppContext:
    return AppContext(vault=vault, store=Store.open(vault))


@pytest.fixture
def context(vault_folder: Path) -> Iterator[AppContext]:
    """An unlocked vault for an IDVA (staff code USER), with its store open and an empty board."""
    vault = Vault.create(vault_folder, passphrase=bytearray(PASSPHRASE.encode()), user=USER,
                         role="idva")
    ctx = open_context(vault)
    with ctx.uow() as uow:  # "My cases" are those allocated to the user's staff code
        identity.set_own_staff_code(uow=uow, code=USER)
        uow.commit()
    yield ctx
    tasks.wait_for_all()
    vault.lock()


def add_incident(context: AppContext, **fields) -> CaseSummary:
    """Test set-up straight through the service (the UI path has its own tests)."""
    data = {"police_ref": "PR-TEST-1", "bcu": "WEST", "police_visit_at":
            datetime.now(UTC) - timedelta(hours=2), "victim_name": "Test Person",
            "allocated_to": USER, **fields}
    with context.uow() as uow:
        summary = capture.create_incident(uow=uow, incident=IncidentIn(**data))
        uow.commit()
    return summary


@pytest.fixture
def flows() -> Iterator[list[AppFlow]]:
    """AppFlows started by a test; their windows are closed (and vaults locked) afterwards."""
    started: list[AppFlow] = []
    yield started
    for flow in started:
        for window in (flow.main_window, flow.unlock_window, flow.create_dialog):
            if window is not None:
                window.close()
                window.deleteLater()


@pytest.fixture(params=["qtpdf", "pdfium"])
def pdf_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The test runs once per PDF preview back end: QtPdf, and pypdfium2 (its fallback)."""
    from fieldapp.ui.dialogs import report_pdf_pages

    if request.param == "pdfium":
        monkeypatch.setattr(report_pdf_pages, "qtpdf_module", lambda: None)
    elif report_pdf_pages.qtpdf_module() is None:
        # PySide6-Addons (a dependency, pinned below 6.12) ships QtPdf: its absence is a broken
        # install, not a reason to leave the preview's main back end untested.
        pytest.fail("PySide6.QtPdf / PySide6.QtPdfWidgets do not import: reinstall PySide6-Addons")
    return request.param


# ------------------------------------------------------------------ walking the widget tree
def visible_texts(root: QWidget) -> list[str]:
    """Every piece of text a person could read in ``root`` right now."""
    texts = [root.windowTitle()]
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.placeholderText()]
        elif isinstance(widget, QComboBox):
            texts.append(widget.currentText())
        elif isinstance(widget, QTextEdit | QPlainTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for row in range(model.rowCount()):
                for col in range(model.columnCount()):
                    texts.append(str(model.index(row, col).data() or ""))
    return texts


def shows_any(root: QWidget, *needles: str) -> list[str]:
    return [t for t in visible_texts(root) if any(n in t for n in needles)]


INPUT_TYPES = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractButton, QAbstractItemView,
               QTextEdit, QPlainTextEdit)


def unnamed_inputs(root: QWidget) -> list[str]:
    """Inputs and buttons under ``root`` with no accessible name (Qt's internals excepted)."""
    missing = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, INPUT_TYPES) or widget.objectName().startswith("qt_"):
            continue
        if _inside_compound(widget):
            continue  # parts of a compound input: its line edit, popup list, icon buttons
        if type(widget).__name__ in ("QHeaderView", "QTableCornerButton"):
            continue
        if not widget.accessibleName().strip():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r} "
                           f"{getattr(widget, 'text', lambda: '')()!r}")
    return missing


def activate(qtbot, window: QWidget) -> None:
    """Make ``window`` the active window, so the keyboard focus and shortcuts are real."""
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2_000)


def _inside_compound(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox | QAbstractItemView | QLineEdit):
            return True
        parent = parent.parentWidget()
    return False


def type_into(qtbot, widget: QWidget, text: str) -> None:
    activate(qtbot, widget.window())
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def press(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press where the keyboard focus is, as a person would type it."""
    target = QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, key, modifier)


# ------------------------------------------------------------------ 50,000 cases, made once
@dataclass(frozen=True)
class BigBoard:
    folder: Path
    now: datetime
    rows: list[dict]  # what was inserted, to compute the expected answers


_FMT = "%Y-%m-%dT%H:%M:%S.%fZ"
BIG_CASES = 50_000
IDVAS = ("IDVA01", "IDVA02", "IDVA03", "IDVA04", "IDVA05")
BCUS = ("WEST", "EAST", "SOUTH")


def _big_rows(now: datetime) -> list[dict]:
    rows = []
    for i in range(BIG_CASES):
        kind = i % 5
        police = {
            0: now - timedelta(hours=2, minutes=i % 60),  # on time
            1: now - timedelta(hours=21, minutes=i % 60),  # due soon
            2: now - timedelta(hours=30, minutes=i % 600),  # overdue
            3: now - timedelta(days=10, minutes=i),  # met (visited after 10 h)
            4: now - timedelta(days=20, minutes=i),  # missed (visited after 40 h)
        }[kind]
        idva = {3: police + timedelta(hours=10), 4: police + timedelta(hours=40)}.get(kind)
        rows.append({
            "case_id": str(uuid.UUID(int=i + 1)), "incident_id": str(uuid.UUID(int=10**9 + i)),
            "visit_id": str(uuid.UUID(int=2 * 10**9 + i)), "police_ref": f"PR-{i:06d}",
            "pseudonym": f"C-{i:06X}", "bcu": BCUS[i % 3], "allocated_to": "" if i % 11 == 0 else IDVAS[(i // 5) % 5],
            "police": police, "idva": idva,
            "state": ("ON_TIME", "DUE_SOON", "OVERDUE", "MET", "MISSED")[kind],
        })
    return rows


def _bulk_insert(store: Store, rows: list[dict], now: datetime) -> None:
    """One transaction of executemany: seconds, where create_incident would take an hour."""
    stamp = now.strftime(_FMT)
    tracked = (stamp, "fixture", stamp, "fixture", 1)
    incidents = [(r["incident_id"], r["police_ref"], r["bcu"], "OTHER", r["police"].strftime(_FMT),
                  "[]", *tracked) for r in rows]
    cases = [(r["case_id"], r["incident_id"], r["pseudonym"], f"Victim Name {i}", r["allocated_to"],
              "OPEN", r["police_ref"], r["bcu"], "OTHER", r["police"].strftime(_FMT),
              r["idva"].strftime(_FMT) if r["idva"] else None, *tracked)
             for i, r in enumerate(rows)]
    visits = [(r["visit_id"], r["case_id"], r["idva"].strftime(_FMT) if r["idva"] else None,
               "", "", *tracked) for r in rows]
    cols = "created_at, created_by, updated_at, updated_by, row_version"
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO incidents (id, police_ref, bcu, district, police_visit_at, officers, {cols})"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)", incidents)
        conn.exec_driver_sql(
            "INSERT INTO cases (id, incident_id, pseudonym, victim_name, allocated_to, status,"
            f" police_ref, bcu, district, police_visit_at, first_idva_visit_at, {cols})"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", cases)
        conn.exec_driver_sql(
            f"INSERT INTO visits (id, case_id, idva_visit_at, idva_code, note, {cols})"
            " VALUES (?,?,?,?,?,?,?,?,?,?)", visits)


@pytest.fixture(scope="session")
def big_board(tmp_path_factory: pytest.TempPathFactory) -> BigBoard:
    folder = tmp_path_factory.mktemp("big") / "vault"
    now = datetime.now(UTC).replace(microsecond=0)
    rows = _big_rows(now)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FIELDAPP_TEST_FAST_KDF", "1")
        vault = Vault.create(folder, passphrase=bytearray(PASSPHRASE.encode()), user=USER,
                             role="idva")
    store = Store.open(vault)
    _bulk_insert(store, rows, now)
    vault.lock()
    return BigBoard(folder=folder, now=now, rows=rows)


@pytest.fixture(scope="session")
def big_context(big_board: BigBoard) -> Iterator[AppContext]:
    """Unlocked once for the session: a warm page cache keeps the model tests quick."""
    vault = Vault.open(big_board.folder)
    vault.unlock(bytearray(PASSPHRASE.encode()))
    ctx = open_context(vault)
    yield ctx
    tasks.wait_for_all()
    vault.lock()
