"""Connect any input's "the person changed something" signal to one callback."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)


def watch(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call ``callback()`` whenever ``widget``'s value changes (typing, choosing, toggling)."""
    if isinstance(widget, QLineEdit):
        widget.textChanged.connect(lambda *_: callback())
    elif isinstance(widget, QPlainTextEdit):
        widget.textChanged.connect(callback)
    elif isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(lambda *_: callback())
    elif isinstance(widget, QAbstractButton):
        widget.toggled.connect(lambda *_: callback())
    elif isinstance(widget, QDateTimeEdit):
        widget.dateTimeChanged.connect(lambda *_: callback())
    elif isinstance(widget, QSpinBox):
        widget.valueChanged.connect(lambda *_: callback())
    elif isinstance(widget, QAbstractSpinBox):  # pragma: no cover - no other kinds in use
        widget.editingFinished.connect(callback)
    else:  # pragma: no cover - a programming error, caught by the page tests
        raise TypeError(f"cannot watch a {type(widget).__name__}")
