"""Child process of test_dialog_fit.py: open every dialog at one display scale, report clipping.

Run as ``python _dialog_fit_child.py SCALE VAULT_DIR SAMPLE_PDF`` with ``QT_SCALE_FACTOR`` set to
SCALE by the parent (Qt reads it once, at start-up). The application font is scaled by SCALE
as well, as a "larger text" setting does, so a size fixed in pixels rather than in line heights
shows up. Each dialog is shown at the size Qt gives it, in the states a user meets (empty, and
with every message shown after a refused submit), and every visible label, check box and button
is checked: a word-wrapped label needs ``heightForWidth(width)`` of height, any other its text's
advance in width, a button its size hint. Prints one JSON object: ``{"problems": [...]}``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["FIELDAPP_TEST_FAST_KDF"] = "1"

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QApplication,
    QCheckBox,
    QLabel,
    QMessageBox,
    QRadioButton,
    QWidget,
)

import fieldapp.ui.qt_compat  # noqa: E402, F401 - as the app
from fieldapp.services.tracker_import import ImportReport, RowRejection  # noqa: E402
from fieldapp.settings import Settings  # noqa: E402
from fieldapp.store import Store  # noqa: E402
from fieldapp.ui.context import AppContext  # noqa: E402
from fieldapp.vault import Vault  # noqa: E402

PASSPHRASE = b"correct horse battery staple"


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _inside_input(widget: QWidget) -> bool:
    """Labels that are parts of a compound input (a spin box's, a combo's) are Qt's own."""
    return widget.objectName().startswith("qt_")


def problems_of(name: str, root: QWidget) -> list[str]:
    found = []
    title_width = root.fontMetrics().horizontalAdvance(root.windowTitle())
    if root.isWindow() and title_width + 120 > root.width():  # the title bar's buttons: ~120
        found.append(f"{name}: window title {root.windowTitle()!r} needs {title_width + 120} px,"
                     f" the window is {root.width()}")
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or _inside_input(widget):
            continue
        if isinstance(widget, QLabel):
            text = widget.text()
            if not text or widget.pixmap() is not None and not widget.pixmap().isNull():
                continue
            rect = widget.contentsRect()
            if widget.wordWrap():
                need = widget.heightForWidth(widget.width())
                if need > widget.height() + 1:
                    found.append(f"{name}: wrapped label {text[:50]!r} needs {need} px of "
                                 f"height, has {widget.height()}")
                continue
            if widget.textFormat() == Qt.TextFormat.RichText or text.lstrip().startswith("<"):
                continue
            lines = _plain(text).splitlines() or [""]
            need = max(widget.fontMetrics().horizontalAdvance(line) for line in lines)
            need += 2 * widget.margin() + max(widget.indent(), 0)
            if need > rect.width() + 1:
                found.append(f"{name}: label {text[:50]!r} needs {need} px, has {rect.width()}")
        elif isinstance(widget, QCheckBox | QRadioButton | QAbstractButton):
            text = getattr(widget, "text", lambda: "")()
            if not text:
                continue
            need = widget.sizeHint().width()
            if need > widget.width() + 1:
                found.append(f"{name}: button {_plain(text)[:50]!r} needs {need} px, has "
                             f"{widget.width()}")
    return found


def main() -> int:
    scale = float(sys.argv[1])
    vault_dir, pdf = Path(sys.argv[2]), Path(sys.argv[3])
    app = QApplication([])
    font = app.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    app.setFont(font)

    from fieldapp.ui.demo_dialogs import remove_demo_data
    from fieldapp.ui.dialogs.create_vault_dialog import CreateVaultDialog
    from fieldapp.ui.dialogs.new_incident_dialog import NewIncidentDialog
    from fieldapp.ui.dialogs.report_options_dialog import ReportOptionsDialog
    from fieldapp.ui.dialogs.report_request import ReportKind
    from fieldapp.ui.dialogs.settings_dialog import SettingsDialog
    from fieldapp.ui.dialogs.tracker_export_dialog import ExportTrackerDialog
    from fieldapp.ui.dialogs.tracker_import_dialog import ImportTrackerDialog
    from fieldapp.ui.dialogs.tracker_report_dialog import ImportReportDialog
    from fieldapp.ui.dialogs.unlock_window import UnlockWindow
    from fieldapp.ui.pages.case_page.justify import JustificationDialog
    from fieldapp.ui.pdf_preview import PdfPreview
    from fieldapp.ui.tasks import wait_for_all

    vault = Vault.open(vault_dir)
    vault.unlock(bytearray(PASSPHRASE))
    context = AppContext(vault, Store.open(vault))
    host = QWidget()
    problems: list[str] = []

    def settle() -> None:
        for _ in range(4):  # layout requests, then the queued resizes they cause
            app.processEvents()

    def check(name: str, dialog: QWidget, *states) -> None:
        dialog.show()
        settle()
        problems.extend(problems_of(name, dialog))
        for label, act in states:
            act(dialog)
            settle()
            problems.extend(problems_of(f"{name} ({label})", dialog))
        wait_for_all()
        app.processEvents()
        dialog.close()

    check("create vault", CreateVaultDialog(Path(vault_dir).parent / "new-vault"),
          ("refused", lambda d: (d.staff_code.setText("Not A Code"), d.submit())),
          ("weak passphrase", lambda d: (d.passphrase.setText("short"), d.confirm.setText("x"),
                                         d.submit())))
    check("unlock", UnlockWindow(vault))
    check("new incident", NewIncidentDialog(context, host),
          ("refused", lambda d: d.submit()))
    check("settings", SettingsDialog(Settings(), host, context=context),
          ("refused", lambda d: (d.staff_code.setText("not a code"), d.submit())))
    for kind in ReportKind:
        check(f"report options {kind.value}", ReportOptionsDialog(context, kind, parent=host),
              ("refused", lambda d: d.submit()))
    check("export tracker", ExportTrackerDialog(context, host), ("refused", lambda d: d.submit()))
    check("import tracker", ImportTrackerDialog(context, pdf.with_name("tracker.csv"), host))
    report = ImportReport(file_name="tracker.csv", imported=150, updated=2, unchanged=3,
                          rejected=[RowRejection(12, "bcu", "must be one of WEST, EAST, SOUTH")],
                          warnings=["unknown column 'notes' (column 22) is not imported"])
    check("import report", ImportReportDialog(report, None, host))
    check("amendment reason", JustificationDialog(host))
    check("pdf preview", PdfPreview(pdf.read_bytes(), title="Case summary",
                                    suggested_name="case.pdf", parent=host))
    box = remove_demo_data(host, context)
    if box is not None:
        check("remove demo data", box)
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox):
            widget.close()
    wait_for_all()
    vault.lock()
    print(json.dumps({"problems": problems}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
