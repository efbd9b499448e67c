"""Our copies go out with "do not keep" hints, and are cleared on lock, on quit and after a while,
but only while the clipboard still holds them (research/sync_crypto.md section 9, T25).

Every copy the app makes goes through :meth:`ClipboardGuard.copy`: once :meth:`route_copies` is
called for a window, the copy and cut keys and the Copy and Cut entries of the context menus of
that window's text fields, selectable labels and tables (and of its dialogs) are handled here
instead of by Qt. ``copy`` writes the text with the clipboard-history hints to the clipboard and
the selection and notes a digest of it (never the text).

Text is ours if its digest was noted by ``copy``, or if it reached the clipboard while the
platform says this process owns it (``ownsClipboard``/``ownsSelection``, which X11, Wayland,
Windows and macOS answer; it covers a Qt widget's own copy or an X11 mouse selection). Having a
window focused proves nothing: a clipboard manager or sync tool writes while we have focus, and
what another program put there is left alone.
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QCoreApplication, QEvent, QMimeData, QObject, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QClipboard,
    QContextMenuEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from fieldapp.ui.widgets.masked import NoCopyLineEdit

# Hints that ask clipboard managers and histories not to keep the text: KDE (Klipper) and
# KeePassXC's convention on Linux, macOS's concealed type, and the Windows clipboard history and
# cloud clipboard formats (DWORD 0 = do not include / do not upload).
SECRET_HINTS = {
    "x-kde-passwordManagerHint": b"secret",
    "application/x-nspasteboard-concealed-type": b"secret",
    "ExcludeClipboardContentFromMonitorProcessing": b"1",
    "CanIncludeInClipboardHistory": b"\x00\x00\x00\x00",
    "CanUploadToCloudClipboard": b"\x00\x00\x00\x00",
}
CLEAR_AFTER_MS = 30_000  # section 9: clear after 10-30 s
_MENU_COPY, _MENU_CUT = "edit-copy", "edit-cut"


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class ClipboardGuard(QObject):
    def __init__(self, parent: QObject | None = None, *, clear_after_ms: int = CLEAR_AFTER_MS):
        super().__init__(parent)
        self._ours: set[bytes] = set()
        self._window: QWidget | None = None
        self._clipboard = QGuiApplication.clipboard()
        self._clipboard.dataChanged.connect(self._noticed)
        self._clipboard.selectionChanged.connect(self._noticed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(clear_after_ms)
        self._timer.timeout.connect(self.clear_ours)

    @property
    def clear_after_ms(self) -> int:
        return self._timer.interval()

    def set_clear_after_ms(self, msecs: int) -> None:
        self._timer.setInterval(msecs)

    def _modes(self) -> list[QClipboard.Mode]:
        modes = [QClipboard.Mode.Clipboard]
        if self._clipboard.supportsSelection():
            modes.append(QClipboard.Mode.Selection)
        return modes

    def _owns(self, mode: QClipboard.Mode) -> bool:
        if mode == QClipboard.Mode.Selection:
            return self._clipboard.ownsSelection()
        return self._clipboard.ownsClipboard()

    def _noticed(self) -> None:
        for mode in self._modes():
            if self._owns(mode):
                text = self._clipboard.text(mode)
                if text:
                    self._ours.add(_digest(text))

    def copy(self, text: str) -> None:
        """Copy with the 'do not keep' hints, to the clipboard and the selection."""
        if not text:
            return
        self._ours.add(_digest(text))
        for mode in self._modes():
            mime = QMimeData()
            mime.setText(text)
            for kind, value in SECRET_HINTS.items():
                mime.setData(kind, value)
            self._clipboard.setMimeData(mime, mode)
        self._timer.start()

    def holds_ours(self) -> bool:
        return any(_digest(self._clipboard.text(m)) in self._ours for m in self._modes()
                   if self._clipboard.text(m))

    def clear_ours(self) -> None:
        self._timer.stop()
        for mode in self._modes():
            text = self._clipboard.text(mode)
            if text and _digest(text) in self._ours:
                self._clipboard.clear(mode)
        self._ours.clear()

    # ------------------------------------------------------------ the app's copy actions
    def route_copies(self, window: QWidget) -> None:
        """Send copy and cut in ``window`` and its dialogs through :meth:`copy`."""
        self._window = window
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # removed by Qt when the guard is destroyed

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            cut = event.matches(QKeySequence.StandardKey.Cut)
            if cut or event.matches(QKeySequence.StandardKey.Copy):
                source = copy_source(watched) if self._routed(watched) else None
                if source is not None and not (cut and not editable(source)):
                    self.copy_from(source, cut=cut)
                    event.accept()
                    return True
        elif kind == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent):
            target = _scroll_area_of(watched)
            menu = self.context_menu(target) if self._routed(target) else None
            if menu is not None:
                menu.exec(event.globalPos())
                menu.deleteLater()
                event.accept()
                return True
        return False

    def _routed(self, widget: QObject) -> bool:
        if self._window is None or not isinstance(widget, QWidget):
            return False
        while widget is not None:  # across windows: a dialog's parent is the main window
            if widget is self._window:
                return True
            widget = widget.parentWidget()
        return False

    def copy_from(self, widget: QWidget, *, cut: bool = False) -> None:
        """What Qt's copy (or cut) would have put on the clipboard, through :meth:`copy`."""
        source = copy_source(widget)
        if source is None:
            return
        if isinstance(source, QAbstractItemView):
            index = source.currentIndex()
            value = index.data(Qt.ItemDataRole.DisplayRole) if index.isValid() else None
            self.copy("" if value is None else str(value))
        elif isinstance(source, QLineEdit):
            self.copy(source.selectedText())
            if cut and source.hasSelectedText() and editable(source):
                source.del_()
        elif isinstance(source, QTextEdit | QPlainTextEdit):
            cursor = source.textCursor()
            self.copy(cursor.selection().toPlainText())
            if cut and cursor.hasSelection() and editable(source):
                cursor.removeSelectedText()
                source.setTextCursor(cursor)
        elif isinstance(source, QLabel):
            self.copy(source.selectedText())

    def context_menu(self, widget: QObject) -> QMenu | None:
        """Qt's own context menu for ``widget``, its Copy and Cut going through :meth:`copy`;
        None where Qt shows no such menu (or the widget makes its own)."""
        if not isinstance(widget, QWidget) or (
                widget.contextMenuPolicy() != Qt.ContextMenuPolicy.DefaultContextMenu):
            return None
        source = copy_source(widget)
        if isinstance(source, QLabel):
            return self._label_menu(source)
        if not isinstance(source, QLineEdit | QTextEdit | QPlainTextEdit) or (
                source is not widget and not isinstance(widget, QComboBox | QAbstractSpinBox)):
            return None
        menu = source.createStandardContextMenu()  # a spin box or combo shows its edit's menu
        for action in list(menu.actions()):
            name = action.objectName()
            if name in (_MENU_COPY, _MENU_CUT):
                routed = QAction(action.icon(), action.text(), menu)
                routed.setObjectName(name)
                routed.setEnabled(action.isEnabled())
                cut = name == _MENU_CUT
                routed.triggered.connect(
                    lambda _checked=False, c=cut: self.copy_from(source, cut=c))
                menu.insertAction(action, routed)
                menu.removeAction(action)
        if isinstance(widget, QAbstractSpinBox):
            menu.addSeparator()
            for text, step in (("&Step up", widget.stepUp), ("Step &down", widget.stepDown)):
                action = menu.addAction(QCoreApplication.translate("QAbstractSpinBox", text))
                action.setEnabled(not widget.isReadOnly())
                action.triggered.connect(lambda _checked=False, s=step: s())
        return menu

    def _label_menu(self, label: QLabel) -> QMenu:
        """A selectable label's Copy and Select All (Qt's own menu would copy around us)."""
        menu = QMenu(label)
        copy = menu.addAction(QCoreApplication.translate("QWidgetTextControl", "&Copy"))
        copy.setObjectName(_MENU_COPY)
        copy.setEnabled(label.hasSelectedText())
        copy.triggered.connect(lambda _checked=False: self.copy_from(label))
        select = menu.addAction(QCoreApplication.translate("QWidgetTextControl", "Select All"))
        select.setObjectName("select-all")
        select.triggered.connect(lambda _checked=False: label.setSelection(0, len(label.text())))
        return menu


def editable(widget: QWidget) -> bool:
    """Whether cut may take text out of ``widget`` (a writable line or text edit)."""
    if isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    return False


def _scroll_area_of(watched: QObject) -> QObject:
    """A text edit's context menu event arrives at its viewport; the edit is what it is for."""
    parent = watched.parent() if isinstance(watched, QWidget) else None
    if isinstance(parent, QTextEdit | QPlainTextEdit) and parent.viewport() is watched:
        return parent
    return watched


def copy_source(widget: QObject) -> QWidget | None:
    """The widget whose text Qt's copy takes when ``widget`` gets the copy key, if it copies."""
    if isinstance(widget, QAbstractSpinBox):
        widget = widget.findChild(QLineEdit)
    elif isinstance(widget, QComboBox):
        widget = widget.lineEdit() if widget.isEditable() else None
    if not isinstance(widget, QWidget) or isinstance(widget, NoCopyLineEdit):
        return None
    if isinstance(widget, QLineEdit):
        return widget if widget.echoMode() == QLineEdit.EchoMode.Normal else None
    if isinstance(widget, QTextEdit | QPlainTextEdit | QAbstractItemView):
        return widget
    if isinstance(widget, QLabel):
        selectable = (Qt.TextInteractionFlag.TextSelectableByMouse
                      | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        return widget if widget.textInteractionFlags() & selectable else None
    return None
