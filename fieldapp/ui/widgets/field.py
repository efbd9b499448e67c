"""A grid of labelled inputs, each with its own error line directly beneath it.

An error is never colour alone: it reads "⚠ message", sits under its input, and is also set as
the input's accessible description so a screen reader announces it with the field.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

ERROR_COLOUR = "#a4000f"
HINT_COLOUR = "#505050"


def named(widget: QWidget, name: str, description: str = "") -> QWidget:
    """Give ``widget`` an accessible name (and description); returns it for chaining."""
    widget.setAccessibleName(name.replace("&", ""))
    if description:
        widget.setAccessibleDescription(description)
    return widget


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: 600;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    label.hide()
    return label


def hint_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {HINT_COLOUR};")
    return label


@dataclass(eq=False)
class Field:
    """One input on a form: its caption, the editor and the line that shows its problem."""

    label: QLabel
    editor: QWidget
    error: QLabel
    hint: QLabel | None = None

    @property
    def name(self) -> str:
        return self.label.text().replace("&", "")

    def set_error(self, message: str) -> None:
        self.error.setText("⚠ " + message)
        self.error.show()
        self.target.setAccessibleDescription(message)

    def clear_error(self) -> None:
        if self.error.isVisible() or self.error.text():
            self.error.clear()
            self.error.hide()
            self.target.setAccessibleDescription(self.hint.text() if self.hint else "")

    @property
    def target(self) -> QWidget:
        """The input itself (a composite editor names its input as its focus proxy)."""
        return self.editor.focusProxy() or self.editor

    @property
    def has_error(self) -> bool:
        return not self.error.isHidden()

    def focus(self) -> None:
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)


class FieldGrid(QWidget):
    """Labelled inputs in one or two columns; reading order (and Tab order) is row by row."""

    def __init__(self, columns: int = 1, parent: QWidget | None = None):
        super().__init__(parent)
        self._columns = columns
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(12)
        self._grid.setVerticalSpacing(4)
        for col in range(columns):
            self._grid.setColumnStretch(2 * col + 1, 1)
        self._row = 0
        self._col = 0
        self.fields: list[Field] = []

    def add(self, caption: str, editor: QWidget, *, hint: str = "", wide: bool = False) -> Field:
        """Place ``editor`` with its caption; ``wide`` spans every column (long text)."""
        if wide and self._col:
            self._next_row()
        label = QLabel(caption)
        label.setBuddy(editor)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        label.setMinimumWidth(label.fontMetrics().horizontalAdvance("M" * 13))
        if isinstance(editor, (QComboBox, QLineEdit, QAbstractSpinBox)):
            editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            if self._columns == 1 and not wide:  # a short answer needs no full-width box
                editor.setMaximumWidth(editor.fontMetrics().horizontalAdvance("M" * 30))
        target = editor.focusProxy() or editor
        if not target.accessibleName():
            named(target, caption, hint)
        hint_widget = hint_label(hint) if hint else None
        error = error_label()
        col = 0 if wide else 2 * self._col
        span = 2 * self._columns - 1 if wide else 1
        top = self._row
        self._grid.addWidget(label, top, col, Qt.AlignmentFlag.AlignTop)
        self._grid.addWidget(editor, top, col + 1, 1, span)
        if hint_widget is not None:
            self._grid.addWidget(hint_widget, top + 1, col + 1, 1, span)
        self._grid.addWidget(error, top + 2, col + 1, 1, span)
        field = Field(label=label, editor=editor, error=error, hint=hint_widget)
        self.fields.append(field)
        if wide:
            self._next_row()
        else:
            self._col += 1
            if self._col >= self._columns:
                self._next_row()
        return field

    def add_widget(self, widget: QWidget) -> None:
        """A full-width widget without a caption (a check box, a group of options)."""
        if self._col:
            self._next_row()
        self._grid.addWidget(widget, self._row, 0, 1, 2 * self._columns)
        self._next_row()

    def _next_row(self) -> None:
        self._row += 3
        self._col = 0


def is_input(widget: QWidget) -> bool:
    """True for widgets a person types into or operates (used by the accessibility walk)."""
    parent = widget.parent()
    while parent is not None:  # parts of a spin box or a combo's popup: the owner is named
        if isinstance(parent, (QAbstractSpinBox, QComboBox)):
            return False
        parent = parent.parent()
    return isinstance(widget, (QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox,
                               QAbstractButton, QAbstractItemView))
