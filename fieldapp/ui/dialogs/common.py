"""Small pieces shared by the shell's windows: font-relative sizes, field messages, busy row.

Sizes are given in multiples of the font's height so everything grows with QT_SCALE_FACTOR and
the user's font size; no text size is ever fixed in pixels.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSize, QTimer
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from fieldapp.ui.icons import icon


def em(widget: QWidget, count: float) -> int:
    """``count`` line-heights of ``widget``'s font, in device-independent pixels."""
    return int(widget.fontMetrics().height() * count)


def scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


class Tone(Enum):
    ERROR = ("error", "#a3221b", "#fdeceb")
    OK = ("check", "#25632a", "#edf6ee")
    INFO = ("info", "#1f4f73", "#eaf1f7")
    WARNING = ("warning", "#7a4a00", "#fdf3e2")


class FieldMessage(QFrame):
    """A message under a field: icon, words and, for errors, a red border. Hidden when empty.

    The text also becomes the field's accessible description, so a screen reader announces it
    when the field takes focus.
    """

    def __init__(self, field: QWidget | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._field = field
        self.setObjectName("fieldMessage")
        self._icon: QLabel | None = None  # built with the first message (see _parts)
        self._text: QLabel | None = None
        self.hide()

    def _parts(self) -> tuple[QLabel, QLabel]:
        """The icon and text labels, made on first use.

        Not in ``__init__``: most messages are never shown, and the icon's alignment needs
        PySide6's ``Qt`` namespace, whose ~90 enum classes take ~15 ms to build; the unlock
        window holds one of these messages and must paint before anything it can do without.
        """
        if self._icon is None or self._text is None:
            from PySide6.QtCore import Qt

            layout = QHBoxLayout(self)
            layout.setContentsMargins(em(self, 0.4), em(self, 0.2), em(self, 0.4), em(self, 0.2))
            self._icon = QLabel(self)
            self._text = QLabel(self)
            self._text.setWordWrap(True)
            self._text.setTextFormat(Qt.TextFormat.PlainText)
            policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            # A new policy drops the height-for-width a wrapping label sets for itself, and the
            # message then got one line's height however long it was (clipped): keep it.
            policy.setHeightForWidth(True)
            self._text.setSizePolicy(policy)
            layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
            layout.addWidget(self._text, 1)
        return self._icon, self._text

    def text(self) -> str:
        if self._text is None or not self.isVisibleTo(self.parentWidget()):
            return ""
        return self._text.text()

    def show_message(self, text: str, tone: Tone = Tone.ERROR) -> None:
        icon_name, fg, bg = tone.value
        side = self.fontMetrics().height()
        picture, words = self._parts()
        picture.setPixmap(icon(icon_name).pixmap(QSize(side, side)))
        words.setText(text)
        border = f"1px solid {fg}" if tone is Tone.ERROR else "none"
        self.setStyleSheet(
            f"#fieldMessage {{ border: {border}; border-radius: 3px; background: {bg}; }}"
            f" #fieldMessage QLabel {{ color: {fg}; background: transparent; }}")
        if self._field is not None:
            self._field.setAccessibleDescription(text)
        self.show()

    def clear_message(self) -> None:
        if self._text is not None:
            self._text.clear()
        if self._field is not None:
            self._field.setAccessibleDescription("")
        self.hide()


class BusyRow(QWidget):
    """An indeterminate bar with a sentence saying what is happening. Hidden when idle."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._bar = QProgressBar(self)
        self._bar.setRange(0, 0)
        self._bar.setTextVisible(False)
        self._bar.setMaximumWidth(em(self, 6))
        self._bar.setAccessibleName(self.tr("Working"))
        self._label = QLabel(self)
        layout.addWidget(self._bar)
        layout.addWidget(self._label, 1)
        self.hide()

    def start(self, text: str) -> None:
        self._label.setText(text)
        self.show()

    def stop(self) -> None:
        self.hide()

    def text(self) -> str:
        return self._label.text()


def set_enum_property(obj: QObject, name: str, keys: str) -> None:
    """Set a Qt enum or flags property by its key names, e.g. ``("alignment", "AlignHCenter")``.

    The same setter runs as ``label.setAlignment(Qt.AlignmentFlag.AlignHCenter)``; the windows
    shown before the first paint use this to avoid touching PySide6's ``Qt`` namespace, which
    builds all of its ~90 enum classes (~15 ms) the first time it is used.
    """
    if not obj.setProperty(name, keys):
        raise ValueError(f"{type(obj).__name__} has no {name} property taking {keys!r}")


def extra_shortcut(window: QWidget, button: QAbstractButton, keys: QKeySequence | str) -> QAction:
    """``keys`` (Ctrl+Return, Ctrl+S) also press ``button``, which keeps its own Alt+letter
    from the "&" in its text: ``button.setShortcut`` would replace that one."""
    action = QAction(window)
    action.setShortcut(QKeySequence(keys))
    action.triggered.connect(
        lambda _checked=False: button.animateClick() if button.isEnabled()
        and button.isVisible() else None)
    window.addAction(action)
    return action


def keep_to_its_text(box: QWidget) -> None:
    """A check box no wider than its box and words: stretched across a form (as some Qt
    styles do) the blank to the right looked part of it but a click there did nothing."""
    policy = box.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Maximum)
    box.setSizePolicy(policy)


def stacked(parent: QWidget, *widgets: QWidget) -> QWidget:
    """A field with its message (and hint) under it, as one form-row cell.

    Hidden children take no room, so an empty message leaves no gap in the form.
    """
    box = QWidget(parent)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(em(parent, 0.25))
    for widget in widgets:
        layout.addWidget(widget)
    # QFormLayout under-counts a wrapped message's height in a cell like this one (it leaves
    # height-for-width to the window, which Qt does not do): the cell asks for it itself.
    _HeightForWidth(box)
    return box


def centred_column(parent: QWidget, inner: QWidget, width_em: float) -> QHBoxLayout:
    """``inner`` centred and at most ``width_em`` lines wide, for windows shown maximised."""
    inner.setMaximumWidth(em(parent, width_em))
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(inner, 100)
    row.addStretch(1)
    return row


def guarded(owner: QObject, slot: Callable[[Any], None]) -> Callable[[Any], None]:
    """``slot`` for a worker's answer, skipped if ``owner`` was deleted meanwhile.

    A lock closes dialogs while their save may still be running; the save finishes (the lock
    waits for it) but its answer must not reach a widget that no longer exists.
    """

    def call(value: Any) -> None:
        if shiboken6.isValid(owner):
            slot(value)

    return call


class _HeightForWidth(QObject):
    """Keeps a window (or a form cell) at least as tall as its wrapped text needs at its width.

    Qt sizes a window from its layout's minimum size, which leaves height-for-width out: a
    wrapped label (a hint, a message shown after a refused submit) then gets one line's
    height, or less, and is clipped, more so as fonts grow (125%, 150%). On every layout
    request or resize the window's minimum height becomes what the layout needs for the width
    it has (``totalHeightForWidth``), and the window grows to it.
    """

    def __init__(self, window: QWidget):
        super().__init__(window)
        self._window = window
        self._pending = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        window = getattr(self, "_window", None)  # None while __init__ runs (ChildAdded)
        if watched is window and event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Resize,
                                                  QEvent.Type.Show) and not self._pending:
            self._pending = True
            QTimer.singleShot(0, self._fit)  # after the layout has taken in the change
        return False

    def _fit(self) -> None:
        self._pending = False
        window = self._window
        if not shiboken6.isValid(window):
            return
        layout = window.layout()
        if layout is None or not layout.hasHeightForWidth():
            return
        if window.isWindow():
            layout.activate()
        need = layout.totalHeightForWidth(window.width())
        if need != window.minimumHeight():
            window.setMinimumHeight(need)
        if window.isWindow() and window.height() < need:
            window.resize(window.width(), need)


def fit_wrapped_text(window: QWidget) -> None:
    """Call once a window's layout is built: its wrapped text is never clipped (see above)."""
    _HeightForWidth(window)
