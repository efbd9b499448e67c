"""Composition root of the desktop app: QApplication, logging, translators, then the first window.

First run (no vault in the folder): the set-up dialog. Later runs: the unlock window. Either way
the main window opens on an unlocked vault with its store, and on a normal start any recovered
draft is reopened.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

import fieldapp.ui.qt_compat  # noqa: F401 - first, before any Qt call (see module)
from fieldapp import log as applog
from fieldapp import paths
from fieldapp.settings import Settings, load_settings
from fieldapp.ui import tasks
from fieldapp.ui.dialogs.unlock_window import APP_TITLE, UnlockWindow
from fieldapp.ui.i18n import install_translators
from fieldapp.vault import Vault, VaultError

if TYPE_CHECKING:
    from fieldapp.ui.context import AppContext
    from fieldapp.ui.dialogs.create_vault_dialog import CreateVaultDialog
    from fieldapp.ui.main_window import MainWindow

# The unlock window shows before SQLAlchemy, the services and the main window are imported
# (about a second): they load in a worker, started once the window is first painted, while the
# passphrase is typed (see _warm_up).
MAIN_MODULES = ("fieldapp.ui.main_window", "fieldapp.ui.context")

log = logging.getLogger(__name__)


def vault_argument(args: Sequence[str]) -> str | None:
    """The folder given as ``--vault DIR`` (or ``--vault=DIR``), if any."""
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--vault" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--vault="):
            return arg.split("=", 1)[1]
    return None


def _warm_up() -> None:
    """Import the main window's modules off the UI thread (class definitions only)."""
    for name in MAIN_MODULES:
        importlib.import_module(name)


class AppFlow(QObject):
    """Which window is showing: set-up or unlock first, then the main window."""

    main_window_opened = Signal(object)  # MainWindow
    failed = Signal(str)

    def __init__(self, folder: Path, settings: Settings | None = None, *,
                 idle_timeout_ms: int | None = None, demo_cases: int | None = None,
                 maximise: bool = True, parent: QObject | None = None):
        super().__init__(parent)
        self.folder = folder
        self.settings = settings or load_settings()
        self._idle_ms = idle_timeout_ms
        self._demo_cases = demo_cases
        self._maximise = maximise
        self.create_dialog: CreateVaultDialog | None = None
        self.unlock_window: UnlockWindow | None = None
        self.main_window: MainWindow | None = None
        self.wiped_message: QWidget | None = None

    def start(self) -> None:
        if not Vault.exists(self.folder):
            from fieldapp.ui.dialogs.create_vault_dialog import DEMO_CASES, CreateVaultDialog

            self.create_dialog = CreateVaultDialog(
                self.folder, demo_cases=DEMO_CASES if self._demo_cases is None else self._demo_cases)
            self.create_dialog.vault_ready.connect(lambda ctx: self._open_main(ctx, False))
            self.create_dialog.rejected.connect(self._quit)
            self.create_dialog.show()
            return
        try:
            vault = Vault.open(self.folder)  # reads the small slot file only
        except VaultError as exc:
            self._fatal(str(exc))
            return
        self.unlock_window = UnlockWindow(vault)
        self.unlock_window.unlocked.connect(lambda store: self._unlocked(vault, store))
        # Not before the first paint: the worker would hold the GIL while the window draws.
        self.unlock_window.first_painted.connect(lambda: tasks.run_task(_warm_up))
        self.unlock_window.show()

    def _unlocked(self, vault: Vault, store: object) -> None:
        from fieldapp.ui.context import AppContext

        self._open_main(AppContext(vault=vault, store=store), True)

    def _open_main(self, context: AppContext, recover_drafts: bool) -> None:
        try:
            from fieldapp.ui.main_window import MainWindow  # and every page it shows
        except Exception as exc:  # noqa: BLE001 - a broken install: say so, never carry on
            self._broken_install(context, exc)
            return

        window = MainWindow(context, self.settings, idle_timeout_ms=self._idle_ms)
        self.main_window = window
        window.vault_wiped.connect(self._after_wipe)
        restored = window.restore_geometry()
        if not restored:
            window.resize(1366, 768)
        if self._maximise and not restored:
            window.showMaximized()
        else:
            window.show()
        for first in (self.unlock_window, self.create_dialog):
            if first is not None:
                first.hide()
                first.deleteLater()
        self.unlock_window = self.create_dialog = None
        if recover_drafts:
            window.recover_drafts()
        self.main_window_opened.emit(window)

    def _after_wipe(self, message: str) -> None:
        """The hub revoked this laptop and its vault was wiped: a neutral message (nothing
        about why, for whoever holds the laptop) and the first-run screen."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QMessageBox

        window, self.main_window = self.main_window, None
        if window is not None:
            window.hide()
            window.deleteLater()
        self.start()
        box = QMessageBox(QMessageBox.Icon.Information, APP_TITLE, message,
                          QMessageBox.StandardButton.Ok, self.create_dialog)
        box.setObjectName("wipedMessage")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.wiped_message = box

    def _broken_install(self, context: AppContext, exc: Exception) -> None:
        """A part of the app that ships failed to import: log it, lock, tell the user, quit."""
        module = getattr(exc, "name", None) or "unknown module"
        log.error("the main window failed to import",
                  extra={"status": f"{type(exc).__name__} in {module}"})
        tasks.wait_for_all()
        context.vault.lock()
        self._fatal(QApplication.translate(
            "AppFlow", "Part of the app could not be loaded (%1), so it cannot open your cases. "
            "Nothing was changed. Please contact support; the error is in the app's log."
        ).replace("%1", module))

    def _fatal(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox  # rare; its enums cost time at start-up

        self.failed.emit(message)
        QMessageBox.critical(None, APP_TITLE, message)
        self._quit()

    def _quit(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def shutdown(self) -> None:
        """On quit: lock (keeps drafts, clears clipboard, wipes the key)."""
        window = self.main_window
        if window is not None and not window.is_locked():
            window.lock_now()
        tasks.wait_for_all()


def run_app(args: Sequence[str]) -> int:
    folder = paths.vault_dir(vault_argument(args))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_TITLE)
    app.setOrganizationName("fieldapp")
    applog.harden_process()
    applog.setup(paths.log_dir(folder), rotate_later=True)
    settings = load_settings()
    install_translators(app, settings.language)
    flow = AppFlow(folder, settings)
    flow.start()
    # The log file rotates once the first window is painted (see applog.setup).
    if flow.unlock_window is not None:
        flow.unlock_window.first_painted.connect(applog.start_rotating)
    else:
        applog.start_rotating()
    flow.main_window_opened.connect(lambda _window: applog.start_rotating())  # idempotent
    code = app.exec()
    flow.shutdown()
    return int(code)


def top_level_windows() -> list[QWidget]:
    """Visible top-level widgets (for tests and screenshots)."""
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]
