"""The Reports menu: Case summary…, Caseload summary…, KPI report….

Each action opens the report's options (who it is for, why, an optional password), builds the
PDF in a worker and shows it in :class:`~fieldapp.ui.pdf_preview.PdfPreview`. Building logs
the disclosure (the service does); each save or print from the preview is logged too, with the
same recipient and purpose. While the app is locked (``context()`` is None) the actions do
nothing; the shell disables them anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.report_options_dialog import ReportOptionsDialog, titles
from fieldapp.ui.dialogs.report_pdf_pages import PdfOpenError
from fieldapp.ui.dialogs.report_request import BuiltReport, ReportKind, ReportRequest, recorder
from fieldapp.ui.icons import icon
from fieldapp.ui.pdf_preview import PdfPreview
from fieldapp.ui.tracker_dialogs import prepare_dialog

__all__ = ["open_report_dialog", "populate_reports_menu", "show_preview"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReportsMenu", text)


def populate_reports_menu(menu: QMenu, *, parent: QWidget,
                          context: Callable[[], AppContext | None],
                          current_case: Callable[[], UUID | None]) -> None:
    entries = (
        (ReportKind.CASE, _tr("&Case summary…"),
         _tr("Print a summary of the open case, or of a case you name, for supervision")),
        (ReportKind.CASELOAD, _tr("Case&load summary…"),
         _tr("Open cases per IDVA and what each needs next")),
        (ReportKind.KPI, _tr("&KPI report…"),
         _tr("The evaluation's measures for a period and BCU")),
    )
    for kind, text, tip in entries:
        action = menu.addAction(icon("report"), text)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(
            lambda _checked=False, k=kind: open_report_dialog(
                parent, context(), k, current_case() if k is ReportKind.CASE else None))


def open_report_dialog(parent: QWidget, context: AppContext | None, kind: ReportKind,
                       case_id: UUID | None = None) -> ReportOptionsDialog | None:
    if context is None:
        return None
    dialog = ReportOptionsDialog(context, kind, case_id=case_id, parent=parent)
    prepare_dialog(dialog, parent)
    dialog.report_built.connect(
        lambda built, request: show_preview(parent, context, built, request))
    dialog.open()
    return dialog


def show_preview(parent: QWidget, context: AppContext, built: BuiltReport,
                 request: ReportRequest) -> PdfPreview | None:
    try:
        preview = PdfPreview(built.data, title=titles()[request.kind],
                             suggested_name=built.file_name, password=request.password,
                             record=recorder(context, request, built), parent=parent)
    except PdfOpenError:
        QMessageBox.warning(parent, titles()[request.kind], _tr(
            "The report was built but cannot be shown here. Build it again; if this happens "
            "again, report it to the service desk."))
        return None
    prepare_dialog(preview, parent)
    preview.show()
    return preview
