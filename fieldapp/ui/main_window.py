"""The main window: board, case and dashboard pages in a stack, and the lock that hides them all.

Locking (idle timer, Ctrl+L, the toolbar button) runs one routine: keep the open case's draft,
close dialogs, swap every page for the neutral lock screen, destroy the widgets that hold case
text, clear the board model and our clipboard text, let running workers finish, then lock the
vault (which closes the database and wipes the key). Unlocking reopens the store and puts the
user back where they were: same page, and the case page reopened with its draft.

The window title is always "Operation Provide"; the status bar shows the role, never a name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from uuid import UUID

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.records import CaseSummary
from fieldapp.services import drafts
from fieldapp.settings import Settings
from fieldapp.store import Store
from fieldapp.ui import tasks
from fieldapp.ui.banner import Banner
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.common import guarded
from fieldapp.ui.dialogs.new_incident_dialog import NewIncidentDialog
from fieldapp.ui.dialogs.settings_dialog import SettingsDialog
from fieldapp.ui.dialogs.unlock_window import APP_TITLE
from fieldapp.ui.icons import icon
from fieldapp.ui.lock import ClipboardGuard, IdleWatcher, LockScreen, OsLockWatcher
from fieldapp.ui.main_actions import build_shell_actions
from fieldapp.ui.pages.board_page import BoardPage, filter_matches
from fieldapp.ui.pages.case_page import CasePage
from fieldapp.ui.pages.dashboard_page import DashboardPage
from fieldapp.ui.sync.shell import SyncShell
from fieldapp.ui.sync_status import SyncStatusWidget

log = logging.getLogger(__name__)

DRAFT_PREFIX = "case:"


@dataclass(frozen=True)
class Place:
    """Where the user is, so an unlock can put them back."""

    page: str = "board"  # "board" | "dashboard" | "case"
    case_id: UUID | None = None


def geometry_settings() -> QSettings:
    """Window geometry only (the typed settings file holds everything else)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "fieldapp", "window")


def _latest_draft_case(found: list[tuple[str, object]]) -> UUID | None:
    for key, _saved_at in reversed(found):  # newest last
        if key.startswith(DRAFT_PREFIX):
            try:
                return UUID(key.removeprefix(DRAFT_PREFIX))
            except ValueError:
                continue
    return None


class MainWindow(QMainWindow):
    locked = Signal()
    unlocked = Signal()
    case_opened = Signal(object)  # UUID
    incident_added = Signal(object)  # CaseSummary
    vault_wiped = Signal(str)  # a neutral message; the vault's files are gone

    def __init__(self, context: AppContext, settings: Settings, *,
                 idle_timeout_ms: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(APP_TITLE)
        self.setWindowIcon(icon("board"))
        self._context: AppContext | None = context
        self._vault = context.vault
        self._settings = settings
        self._fixed_idle_ms = idle_timeout_ms
        self._place = Place()
        self._is_locked = False
        self._case_page: CasePage | None = None
        self._dashboard: DashboardPage | None = None

        self.board = BoardPage(self)
        self.board.case_activated.connect(self.open_case)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.board)
        self.banner = Banner(self)
        self.banner.action_clicked.connect(self._open_recovered_draft)
        self._recovered_case: UUID | None = None
        content = QWidget(self)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.banner)
        column.addWidget(self.pages, 1)
        self.lock_screen = LockScreen(self._vault, self)
        self.lock_screen.unlocked.connect(self._reopen)
        self.root = QStackedWidget(self)
        self.root.addWidget(content)
        self.root.addWidget(self.lock_screen)
        self.setCentralWidget(self.root)

        self.actions = build_shell_actions(self, handlers={
            "new_incident": self.new_incident, "settings": self.open_settings,
            "view_board": self.show_board, "view_dashboard": self.show_dashboard,
            "find": self._find, "refresh": self._refresh, "lock": self.lock_now,
        }, context=lambda: self._context, current_case=self.current_case)
        self.actions.set_locked(False)
        self.role_label = QLabel(self)
        self.sync_status = SyncStatusWidget(self)
        self.statusBar().addPermanentWidget(self.sync_status)
        self.statusBar().addPermanentWidget(self.role_label)
        self._show_role()
        self.sync = SyncShell(self, status=self.sync_status, context=lambda: self._context)
        self.sync.controller.vault_wiped.connect(self._vault_wiped)
        self.actions.lockable += self.sync.actions

        self.clipboard = ClipboardGuard(self)
        self.clipboard.route_copies(self)  # copy and cut in this window go out with the hints
        self.idle = IdleWatcher(self._idle_ms(), self)
        self.idle.idle_timed_out.connect(self.lock_now)
        self.os_lock = OsLockWatcher(self)
        self.os_lock.os_locked.connect(lambda _why: self.lock_now())
        self.board.attach(context)
        self.sync.attach(context)
        self.idle.start()

    # ---------------------------------------------------------------- state
    @property
    def context(self) -> AppContext | None:
        return self._context

    def is_locked(self) -> bool:
        return self._is_locked

    def place(self) -> Place:
        return self._place

    def current_case(self) -> UUID | None:
        return self._place.case_id if self._place.page == "case" else None

    def _idle_ms(self) -> int:
        return self._fixed_idle_ms or self._settings.lock_minutes * 60_000

    def _show_role(self) -> None:
        role = self._vault.info.role
        words = {"idva": self.tr("IDVA"), "supervisor": self.tr("Supervisor"),
                 "coordinator": self.tr("Coordinator")}
        self.role_label.setText(self.tr("Role: %1").replace("%1", words.get(role, role)))

    # ---------------------------------------------------------------- navigation
    def show_board(self) -> None:
        if self._is_locked:
            return
        self._close_case_page()
        self.pages.setCurrentWidget(self.board)
        self._place = Place("board")
        self.board.table.setFocus()

    def show_dashboard(self) -> None:
        if self._is_locked or self._context is None:
            return
        self._close_case_page()
        if self._dashboard is None:
            self._dashboard = DashboardPage(self._context, parent=self.pages)
            self.pages.addWidget(self._dashboard)
        else:
            self._dashboard.refresh()
        self.pages.setCurrentWidget(self._dashboard)
        self._place = Place("dashboard")

    def open_case(self, case_id: UUID) -> None:
        if self._is_locked or self._context is None:
            return
        self._close_case_page()
        page = CasePage(self._context, case_id, parent=self.pages)
        page.case_saved.connect(self._case_saved)
        page.closed.connect(self.show_board)
        self.sync.case_opened(page, case_id)
        self._case_page = page
        self.pages.addWidget(page)
        self.pages.setCurrentWidget(page)
        self._place = Place("case", case_id)
        self.case_opened.emit(case_id)

    def _close_case_page(self, *, discard: bool = False) -> None:
        """Leave the case page; unsaved work goes to its draft first, so nothing is lost."""
        page, self._case_page = self._case_page, None
        if page is None:
            return
        try:
            if discard or page.has_unsaved_changes():
                page.flush_draft()
        except Exception as exc:  # leaving must never fail; the draft autosave also runs
            log.error("draft flush failed", extra={"status": type(exc).__name__})
        self.pages.removeWidget(page)
        page.hide()
        page.deleteLater()

    def _case_saved(self, _case: object) -> None:
        self.board.refresh()
        self.sync.changes_saved()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        # Esc reaches us only if the page did not use it (e.g. to close a popup).
        if event.key() == Qt.Key.Key_Escape and not self._is_locked and (
                self.pages.currentWidget() is not self.board):
            self.show_board()
            return
        super().keyPressEvent(event)

    def _find(self) -> None:
        self.show_board()
        self.board.focus_search()

    def refresh_after_change(self) -> None:
        """After a change made outside the pages (a tracker import, demo data removed): the
        board reads again, and the dashboard too if it was opened."""
        if self._is_locked:
            return
        self.board.refresh()
        if self._dashboard is not None:
            self._dashboard.refresh()

    def _refresh(self) -> None:
        if self.pages.currentWidget() is self.board:
            self.board.refresh()
        elif self._dashboard is not None and self.pages.currentWidget() is self._dashboard:
            self._dashboard.refresh()

    # ---------------------------------------------------------------- dialogs
    def new_incident(self) -> NewIncidentDialog | None:
        if self._is_locked or self._context is None:
            return None
        dialog = NewIncidentDialog(self._context, self)
        self._prepare_dialog(dialog)
        dialog.incident_created.connect(self._incident_created)
        dialog.open()
        return dialog

    def _prepare_dialog(self, dialog: QDialog) -> None:
        # A modal dialog blocks the main window's shortcuts, Ctrl+L included; give it its own.
        dialog.addAction(self.actions.lock)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def _incident_created(self, summary: CaseSummary) -> None:
        self.show_board()
        flt = self.board.current_filter()
        if filter_matches(flt, summary, self.board.model.now()):
            message = self.tr("Incident saved as case %1.")
        else:
            message = self.tr("Incident saved as case %1; it is outside the current filters.")
        self.board.refresh(select=summary.case_id)
        self.statusBar().showMessage(message.replace("%1", summary.pseudonym), 10_000)
        self.sync.changes_saved()
        self.incident_added.emit(summary)

    def open_settings(self) -> None:
        if self._is_locked:
            return
        dialog = SettingsDialog(self._settings, self, context=self._context)
        self._prepare_dialog(dialog)
        dialog.settings_saved.connect(self._settings_saved)
        dialog.staff_code_changed.connect(lambda _code: self.board.staff_code_changed())
        dialog.open()

    def _settings_saved(self, settings: Settings) -> None:
        self._settings = settings
        self.idle.set_timeout_ms(self._idle_ms())

    # ---------------------------------------------------------------- drafts
    def recover_drafts(self) -> None:
        """After the first unlock: reopen the newest case draft and say so."""
        context = self._context
        if context is None:
            return

        def read() -> list[tuple[str, object]]:
            with context.uow() as uow:
                return drafts.list_drafts(uow=uow)

        tasks.run_task(read, on_done=guarded(self, self._drafts_found),
                       on_error=lambda e: log.error("draft list failed",
                                                    extra={"status": type(e).__name__}))

    def _drafts_found(self, found: list[tuple[str, object]]) -> None:
        case_id = _latest_draft_case(found)
        if case_id is None or self._is_locked:
            return
        self._recovered_case = case_id
        self.banner.show_message(
            self.tr("A draft was recovered: the case you were working on is open again, "
                    "with what you had typed."), self.tr("&Open it"))
        self.open_case(case_id)

    def _open_recovered_draft(self) -> None:
        if self._recovered_case is not None:
            self.open_case(self._recovered_case)

    # ---------------------------------------------------------------- lock / unlock
    def lock_now(self) -> None:
        if self._is_locked:
            return
        self._is_locked = True
        self.idle.stop()
        place = self._place
        self._close_case_page(discard=True)  # flush its draft, then drop its widgets
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
        self.actions.set_locked(True)
        for bar in (self.menuBar(), self.actions.toolbar, self.statusBar()):
            bar.hide()
        self.statusBar().clearMessage()
        self.banner.hide()
        self.root.setCurrentWidget(self.lock_screen)
        if self._dashboard is not None:
            self.pages.removeWidget(self._dashboard)
            self._dashboard.deleteLater()
            self._dashboard = None
        self.board.detach()
        self.pages.setCurrentWidget(self.board)
        self.clipboard.clear_ours()
        self.sync.stop()  # a running sync stops before its next step
        # A worker may still hold a session (a save, the draft flush): let it finish first.
        if not tasks.wait_for_all(15_000):
            log.error("a background task outlived the lock wait")
        self._context = None
        self._vault.lock()
        self._place = place
        self.lock_screen.prepare()
        self.locked.emit()

    def _reopen(self, store: Store) -> None:
        self._context = AppContext(vault=self._vault, store=store)
        self._is_locked = False
        self.actions.set_locked(False)
        for bar in (self.menuBar(), self.actions.toolbar, self.statusBar()):
            bar.show()
        self.root.setCurrentIndex(0)
        self.board.attach(self._context)
        self.sync.attach(self._context)
        place = self._place
        if place.page == "case" and place.case_id is not None:
            self.open_case(place.case_id)
        elif place.page == "dashboard":
            self.show_dashboard()
        else:
            self.show_board()
        self.idle.start()
        self.unlocked.emit()

    def _vault_wiped(self, message: str) -> None:
        """The hub's wipe order was carried out (the vault is locked and its files are gone):
        drop every page without saving drafts (nothing may write again) and hand over to the
        app, which shows ``message`` and the first-run screen."""
        self._is_locked = True
        self.idle.stop()
        page, self._case_page = self._case_page, None
        if page is not None:
            self.pages.removeWidget(page)
            page.deleteLater()
        if self._dashboard is not None:
            self.pages.removeWidget(self._dashboard)
            self._dashboard.deleteLater()
            self._dashboard = None
        self.sync.stop()
        self.board.detach()
        self.clipboard.clear_ours()
        self._context = None
        self.vault_wiped.emit(message)

    # ---------------------------------------------------------------- geometry and quit
    def restore_geometry(self) -> bool:
        saved = geometry_settings().value("main/geometry")
        return isinstance(saved, QByteArray) and self.restoreGeometry(saved)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        geometry_settings().setValue("main/geometry", self.saveGeometry())
        if not self._is_locked:
            self.lock_now()
        self.idle.stop()
        super().closeEvent(event)
