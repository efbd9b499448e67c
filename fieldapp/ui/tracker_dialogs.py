"""File > Import tracker and File > Export tracker: the hooks the shell calls.

Each hook opens its dialog window-modally and returns at once; the work runs in the writer
queue (``run_task(write=True)``). ``context`` is None while the app is locked: then nothing
happens. Dialogs delete themselves when closed and carry the shell's lock shortcut, because a
modal dialog blocks the main window's own shortcuts.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QWidget

from fieldapp.services.tracker_import import ImportReport
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.tracker_export_dialog import ExportTrackerDialog
from fieldapp.ui.dialogs.tracker_import_dialog import ImportTrackerDialog, choose_tracker_file
from fieldapp.ui.dialogs.tracker_report_dialog import ImportReportDialog

__all__ = ["export_tracker", "import_tracker", "prepare_dialog", "show_import_report"]


def prepare_dialog(dialog: QDialog, parent: QWidget) -> None:
    """Delete on close, and keep Ctrl+L working while the dialog is modal."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    lock = getattr(getattr(parent, "actions", None), "lock", None)
    if isinstance(lock, QAction):
        dialog.addAction(lock)


def import_tracker(parent: QWidget, context: AppContext | None) -> None:
    if context is None:
        return
    path = choose_tracker_file(parent)
    if path is None:
        return
    dialog = ImportTrackerDialog(context, path, parent)
    prepare_dialog(dialog, parent)
    dialog.import_finished.connect(
        lambda report, source: show_import_report(parent, report, source))
    refresh = getattr(parent, "refresh_after_change", None)  # the main window's board, dashboard
    if callable(refresh):
        dialog.import_finished.connect(lambda _report, _source: refresh())
    dialog.open()


def show_import_report(parent: QWidget, report: ImportReport, source: Path | None = None
                       ) -> ImportReportDialog:
    dialog = ImportReportDialog(report, source, parent)
    prepare_dialog(dialog, parent)
    dialog.open()
    return dialog


def export_tracker(parent: QWidget, context: AppContext | None) -> None:
    if context is None:
        return
    dialog = ExportTrackerDialog(context, parent)
    prepare_dialog(dialog, parent)
    dialog.open()
