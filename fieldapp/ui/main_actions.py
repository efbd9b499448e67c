"""Menus, toolbar and shortcuts of the main window.

File: New incident (Ctrl+N), Import/Export tracker, Remove demonstration data, Settings, Quit. Reports. View: Board
(Ctrl+1), Dashboard (Ctrl+2), Find (Ctrl+F), Refresh (F5). Lock (Ctrl+L) works from any window
of the app, including an open dialog. Ctrl+S belongs to the case page.

The tracker and report actions open ``fieldapp.ui.tracker_dialogs`` and
``fieldapp.ui.report_dialogs``; ``context`` and ``current_case`` are callables returning the
unlocked AppContext (or None) and the open case id (or None).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QSizePolicy, QToolBar, QToolButton, QWidget

from fieldapp.ui import demo_dialogs, report_dialogs, tracker_dialogs
from fieldapp.ui.dialogs.common import em
from fieldapp.ui.icons import icon

_CTX = "MainWindow"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


@dataclass
class ShellActions:
    new_incident: QAction
    import_tracker: QAction
    export_tracker: QAction
    remove_demo: QAction
    settings: QAction
    quit: QAction
    view_board: QAction
    view_dashboard: QAction
    find: QAction
    refresh: QAction
    lock: QAction
    toolbar: QToolBar
    # Disabled while locked; the lock action itself is included.
    lockable: list[QAction] = field(default_factory=list)

    def set_locked(self, locked: bool) -> None:
        for action in self.lockable:
            action.setEnabled(not locked)


def _action(window: QWidget, text: str, slot: Callable[[], object] | None,
            shortcut: QKeySequence | str | None = None, icon_name: str | None = None) -> QAction:
    action = QAction(text, window)
    if icon_name:
        action.setIcon(icon(icon_name))
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if slot is not None:
        action.triggered.connect(lambda _checked=False: slot())
    return action


def build_shell_actions(window: QMainWindow, *, handlers: dict[str, Callable[[], object]],
                        context: Callable[[], object], current_case: Callable[[], object]
                        ) -> ShellActions:
    """Create every action, the menus and the toolbar; ``handlers`` maps names to slots."""
    a = {
        "new_incident": _action(window, _tr("&New incident…"), handlers["new_incident"],
                                QKeySequence.StandardKey.New, "plus"),
        "settings": _action(window, _tr("&Settings…"), handlers["settings"], None, "settings"),
        "quit": _action(window, _tr("&Quit"), window.close, QKeySequence.StandardKey.Quit),
        "view_board": _action(window, _tr("&Board"), handlers["view_board"], "Ctrl+1", "board"),
        "view_dashboard": _action(window, _tr("&Dashboard"), handlers["view_dashboard"],
                                  "Ctrl+2", "chart"),
        "find": _action(window, _tr("&Find a case"), handlers["find"],
                        QKeySequence.StandardKey.Find, "search"),
        "refresh": _action(window, _tr("&Refresh"), handlers["refresh"],
                           QKeySequence.StandardKey.Refresh),
        "lock": _action(window, _tr("&Lock"), handlers["lock"], "Ctrl+L", "lock"),
    }
    a["view_board"].setShortcuts([QKeySequence("Ctrl+1"), QKeySequence(QKeySequence.StandardKey.Back)])
    a["lock"].setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    a["lock"].setToolTip(_tr("Lock now: hide everything until the passphrase is entered (Ctrl+L)"))
    a["new_incident"].setToolTip(_tr("Enter a new police incident (Ctrl+N)"))

    a["import_tracker"] = _tracker_action(
        window, _tr("&Import tracker…"), tracker_dialogs.import_tracker, context, "import")
    a["export_tracker"] = _tracker_action(
        window, _tr("&Export tracker…"), tracker_dialogs.export_tracker, context, "export")
    a["remove_demo"] = _action(window, _tr("Remove &demonstration data…"), None)
    a["remove_demo"].setToolTip(_tr("Remove every demonstration case (references starting "
                                    "DEMO-); real cases are not touched"))
    a["remove_demo"].triggered.connect(lambda _c=False: demo_dialogs.remove_demo_data(
        window, context()))

    bar = window.menuBar()
    file_menu = bar.addMenu(_tr("&File"))
    file_menu.setToolTipsVisible(True)
    file_menu.addAction(a["new_incident"])
    file_menu.addSeparator()
    file_menu.addAction(a["import_tracker"])
    file_menu.addAction(a["export_tracker"])
    file_menu.addAction(a["remove_demo"])
    file_menu.addSeparator()
    file_menu.addAction(a["settings"])
    file_menu.addAction(a["lock"])
    file_menu.addSeparator()
    file_menu.addAction(a["quit"])
    reports_menu = bar.addMenu(_tr("&Reports"))
    reports_menu.setToolTipsVisible(True)
    report_dialogs.populate_reports_menu(reports_menu, parent=window, context=context,
                                         current_case=current_case)
    view_menu = bar.addMenu(_tr("&View"))
    for name in ("view_board", "view_dashboard", "find", "refresh"):
        view_menu.addAction(a[name])

    toolbar = QToolBar(_tr("Main"), window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    side = em(window, 1.4)
    toolbar.setIconSize(QSize(side, side))
    for name in ("new_incident", "view_board", "view_dashboard"):
        toolbar.addAction(a[name])
    spacer = QWidget(toolbar)
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    toolbar.addWidget(spacer)
    toolbar.addAction(a["lock"])
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    lock_button = toolbar.widgetForAction(a["lock"])
    if isinstance(lock_button, QToolButton):
        lock_button.setObjectName("lockButton")
        lock_button.setIconSize(QSize(em(window, 1.8), em(window, 1.8)))
        lock_button.setStyleSheet("#lockButton { font-weight: bold; padding: 0.3em 1em; }")
    for action in toolbar.actions():
        button = toolbar.widgetForAction(action)
        if isinstance(button, QToolButton):
            button.setAccessibleName(action.text().replace("&", "").rstrip("…"))
    # Keep every shortcut live while the menus and toolbar are hidden (locked or not).
    window.addActions(list(a.values()))

    actions = ShellActions(toolbar=toolbar, **a)
    actions.lockable = [a[n] for n in a if n != "quit"] + reports_menu.actions()
    return actions


def _tracker_action(window: QWidget, text: str, hook: Callable[[QWidget, object], None],
                    context: Callable[[], object], kind: str) -> QAction:
    action = _action(window, text, None, None, kind)
    action.triggered.connect(lambda _c=False: hook(window, context()))
    return action
