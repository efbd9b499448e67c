"""File > Remove demonstration data: asks first, removes in the writer queue, says what went.

The removal itself is :func:`fieldapp.services.demo_removal.remove_demo_cases` (audit-logged; real
cases untouched). Afterwards the main window's board and dashboard read again.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldapp.services import demo_removal
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.common import guarded
from fieldapp.ui.tasks import run_task

__all__ = ["remove_demo_data"]

log = logging.getLogger(__name__)
_CTX = "DemoData"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def _remove(context: AppContext) -> int:
    with context.uow() as uow:
        removed = demo_removal.remove_demo_cases(uow=uow)
        uow.commit()
    return removed


def _finished(parent: QWidget, removed: int) -> None:
    refresh = getattr(parent, "refresh_after_change", None)
    if callable(refresh):
        refresh()
    text = (_tr("Removed %1 demonstration cases. Real cases were not touched.").replace(
        "%1", f"{removed:,}") if removed else _tr("There were no demonstration cases to remove."))
    status = getattr(parent, "statusBar", None)
    if callable(status):
        status().showMessage(text, 10_000)


def _failed(parent: QWidget, exc: BaseException) -> None:
    log.error("demo removal failed", extra={"status": type(exc).__name__})
    if isinstance(exc, demo_removal.DemoAlreadySynced):
        text = _tr("Some demonstration cases were already sent to the station hub, which would "
                   "send them back: a coordinator removes them there. Nothing was changed here.")
    else:
        text = _tr("The demonstration cases could not be removed. Nothing was changed; try "
                   "again.")
    QMessageBox.warning(parent, _tr("Demonstration data"), text)


def remove_demo_data(parent: QWidget, context: AppContext | None) -> QMessageBox | None:
    """Ask, then remove; returns the (window-modal, already open) question for tests."""
    if context is None:
        return None
    box = QMessageBox(QMessageBox.Icon.Question, _tr("Remove demonstration data"), _tr(
        "Remove every demonstration case (police references starting DEMO-) and everything "
        "recorded on them? They stop counting in the dashboard, KPIs, exports and reports. "
        "Real cases are not touched, and the audit log records the removal."), parent=parent)
    remove = box.addButton(_tr("&Remove demonstration cases"),
                           QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(_tr("&Keep them"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    lock = getattr(getattr(parent, "actions", None), "lock", None)
    if lock is not None:
        box.addAction(lock)  # Ctrl+L still locks while the question is open

    def answered(button) -> None:
        if button is remove:
            run_task(lambda: _remove(context),
                     on_done=guarded(parent, lambda n: _finished(parent, n)),
                     on_error=guarded(parent, lambda exc: _failed(parent, exc)), write=True)

    box.buttonClicked.connect(answered)
    box.open()
    return box
