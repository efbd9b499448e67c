"""Sync in the main window: the Sync menu and toolbar button, the status line, the board's and
case page's marks, and the pages and dialogs of enrolment, devices, conflicts and allocation.

The main window holds one :class:`SyncShell` and calls :meth:`attach` on unlock, :meth:`stop` on
lock (before it waits for workers) and :meth:`changes_saved` after each save; everything else is
here, so the window's own code stays about windows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from uuid import UUID

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from fieldapp.ui import tasks
from fieldapp.ui.context import AppContext
from fieldapp.ui.icons import icon
from fieldapp.ui.models import board_text, sync_marks
from fieldapp.ui.models.board_model import SummaryRole
from fieldapp.ui.sync.controller import SyncController
from fieldapp.ui.sync_status import SyncStatusWidget

log = logging.getLogger(__name__)

SYNC_SHORTCUT = "Ctrl+Shift+S"


def _action(parent: QObject, text: str, slot: Callable[[], object], *,
            shortcut: str | None = None, tip: str = "") -> QAction:
    action = QAction(text, parent)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setToolTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    return action


class SyncShell(QObject):
    def __init__(self, window: QMainWindow, *, status: SyncStatusWidget,
                 context: Callable[[], AppContext | None],
                 controller: SyncController | None = None):
        super().__init__(window)
        self.window = window
        self._context = context
        self.controller = controller or SyncController(self)
        self.status = status
        status.bind(self.controller)
        self.controller.role_found.connect(self._role_found)
        self.controller.sync_finished.connect(lambda _r: self._after_sync())
        self.controller.sync_failed.connect(lambda _m: self._after_sync())
        self.controller.sync_cancelled.connect(self._after_sync)
        self.controller.sync_started.connect(lambda: self._running(True))
        for signal in (self.controller.sync_finished, self.controller.sync_failed):
            signal.connect(lambda *_: self._running(False))
        self.controller.sync_cancelled.connect(lambda: self._running(False))
        self._pages: list[QWidget] = []

        tr = self.tr
        self.sync_action = _action(window, tr("&Sync now"), self._sync_clicked,
                                   shortcut=SYNC_SHORTCUT,
                                   tip=tr("Send this laptop's changes to the station hub and "
                                          "receive yours (Ctrl+Shift+S)"))
        self.sync_action.setIcon(icon("sync"))
        self.enrol_action = _action(window, tr("&Enrol with a station hub…"), self.open_enrol)
        self.devices_action = _action(window, tr("&Devices…"), self.open_devices,
                                      tip=tr("Enrolment codes and the station's laptops "
                                             "(coordinators)"))
        self.conflicts_action = _action(window, tr("&Conflicts…"), self.open_conflicts,
                                        tip=tr("Safety information two devices changed "
                                               "differently"))
        self.allocate_action = _action(window, tr("&Allocate case…"), self.open_allocate,
                                       tip=tr("Allocate the selected case to an IDVA "
                                              "(coordinators)"))
        self.actions = [self.sync_action, self.enrol_action, self.devices_action,
                        self.conflicts_action, self.allocate_action]
        menu = window.menuBar().addMenu(tr("S&ync"))
        menu.setToolTipsVisible(True)
        for action in (self.sync_action, None, self.enrol_action, self.devices_action,
                       self.conflicts_action, None, self.allocate_action):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        self.menu = menu
        toolbar = getattr(getattr(window, "actions", None), "toolbar", None)
        if toolbar is not None:
            anchor = toolbar.actions()[3] if len(toolbar.actions()) > 3 else None
            toolbar.insertAction(anchor, self.sync_action)
            button = toolbar.widgetForAction(self.sync_action)
            if button is not None:
                button.setAccessibleName(tr("Sync now"))
        window.addActions(self.actions)  # the shortcut works with the menus hidden
        self._role_found("")

    # ---------------------------------------------------------------- life cycle
    def attach(self, context: AppContext) -> None:
        self.controller.attach(context)
        self._hook_board()

    def stop(self) -> None:
        """On lock: cancel a running sync, drop the pages that show names."""
        self.controller.stop()
        self.window.board.model.set_marks_enabled(False)
        for page in self._pages:
            if shiboken6.isValid(page):
                self.window.pages.removeWidget(page)
                page.hide()
                page.deleteLater()
        self._pages.clear()

    def changes_saved(self) -> None:
        self.controller.changes_saved()
        self.window.board.model.refresh_marks()

    # ---------------------------------------------------------------- state
    def _sync_clicked(self) -> None:
        if self.controller.running:
            self.controller.cancel()
        elif not self.controller.enrolled:
            self.open_enrol()
        else:
            self.controller.sync_now("on demand")

    def _running(self, running: bool) -> None:
        self.sync_action.setText(self.tr("Cancel &sync") if running else self.tr("&Sync now"))

    def _role_found(self, role: str) -> None:
        enrolled = bool(role)
        coordinator = role == "coordinator"
        self.devices_action.setVisible(coordinator)
        # Shown to everyone: anyone else is refused in the service's words (the hub decides).
        self.allocate_action.setEnabled(True)
        self.conflicts_action.setVisible(enrolled)
        self.enrol_action.setText(self.tr("&Enrol again with a station hub…") if enrolled
                                  else self.tr("&Enrol with a station hub…"))
        self.window.board.model.set_marks_enabled(enrolled)

    def _after_sync(self) -> None:
        board = self.window.board
        if self._context() is not None:
            board.refresh()  # cases received or removed; the marks follow each page

    def _hook_board(self) -> None:
        table = self.window.board.table
        if self.allocate_action not in table.actions():
            table.addAction(self.allocate_action)
            table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    # ---------------------------------------------------------------- case page mark
    def case_opened(self, page: QWidget, case_id: UUID) -> None:
        """Add the "not yet synced" / conflict line to the case page's header."""
        context = self._context()
        if context is None or not self.controller.enrolled:
            return
        label = QLabel(page)
        label.setObjectName("caseSyncMark")
        label.setWordWrap(True)
        label.hide()
        page.header.layout().addWidget(label)

        def show(marks: dict) -> None:
            if not shiboken6.isValid(label):
                return
            found = marks.get(case_id, frozenset())
            label.setText(board_text.sync_mark_tooltip(found))
            label.setAccessibleName(board_text.sync_mark_text(found))
            label.setVisible(bool(found))

        def read() -> None:
            ctx = self._context()
            if ctx is not None and shiboken6.isValid(label):
                tasks.run_task(lambda: sync_marks.read_marks(ctx.uow, [case_id]), on_done=show)

        read()
        page.case_saved.connect(lambda _c: read())
        after_sync = lambda _r: read()  # noqa: E731 - kept to disconnect it with the page
        self.controller.sync_finished.connect(after_sync)
        page.destroyed.connect(lambda *_: self._forget(after_sync))

    def _forget(self, slot: Callable[[object], None]) -> None:
        try:
            self.controller.sync_finished.disconnect(slot)
        except (RuntimeError, TypeError):  # already gone with the controller
            pass

    # ---------------------------------------------------------------- dialogs and pages
    def _show_page(self, page: QWidget) -> None:
        self.window.show_board()
        for old in self._pages:
            if shiboken6.isValid(old):
                self.window.pages.removeWidget(old)
                old.deleteLater()
        self._pages = [page]
        self.window.pages.addWidget(page)
        self.window.pages.setCurrentWidget(page)

    def open_enrol(self):  # noqa: ANN201 - EnrolDialog
        from fieldapp.ui.sync.enrol_dialog import EnrolDialog

        context = self._context()
        if context is None:
            return None
        dialog = EnrolDialog(context, self.window)
        self.window._prepare_dialog(dialog)  # noqa: SLF001 - the window's own dialog rule
        dialog.enrolled.connect(self._enrolled)
        dialog.open()
        return dialog

    def _enrolled(self, done) -> None:  # noqa: ANN001 - enrol_service.Enrolled
        # The device id, to compare with the hub's list of devices (no name is shown).
        self.window.statusBar().showMessage(self.tr(
            "Enrolled as %1. This laptop's device id is %2: the hub's list of devices shows the "
            "same.").replace("%1", done.role).replace("%2", done.device_id), 30_000)
        self.controller.refresh_status(then_schedule=True)

    def open_devices(self):  # noqa: ANN201 - DevicesPage
        from fieldapp.ui.sync.devices_page import DevicesPage

        context = self._context()
        if context is None or self.controller.role != "coordinator":
            return None
        page = DevicesPage(context, self.window.pages)
        page.closed.connect(self.window.show_board)
        page.vault_wiped.connect(self.controller.wiped)
        self._show_page(page)
        return page

    def open_conflicts(self):  # noqa: ANN201 - ConflictsPage
        from fieldapp.ui.sync.conflicts_page import ConflictsPage

        context = self._context()
        if context is None:
            return None
        page = ConflictsPage(context, self.window.pages)
        page.closed.connect(self.window.show_board)
        page.conflict_resolved.connect(lambda _c: self.changes_saved())
        self._show_page(page)
        return page

    def open_allocate(self):  # noqa: ANN201 - AllocateDialog
        from fieldapp.ui.sync.allocate_dialog import AllocateDialog

        context = self._context()
        index = self.window.board.table.currentIndex()
        case = index.data(SummaryRole) if index.isValid() else None
        if context is None or case is None:
            return None
        dialog = AllocateDialog(context, case, self.window)
        self.window._prepare_dialog(dialog)  # noqa: SLF001
        dialog.case_allocated.connect(lambda _a: (self.window.board.refresh(),
                                                  self.changes_saved()))
        dialog.open()
        return dialog
