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
    """Labelled inputs in one or two columns; reading order (and Tab order) is row by row.

    A two-column grid folds into one column when it is narrower than about 56 character
    widths (a 1366x768 screen at 150%), and unfolds again when there is room. The order of
    the fields, and so the Tab order, is the same either way.
    """

    FOLD_EMS = 56

    def __init__(self, columns: int = 1, parent: QWidget | None = None):
        super().__init__(parent)
        self._columns = columns
        self._shown_columns = columns
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(12)
        self._grid.setVerticalSpacing(4)
        self._items: list[tuple[Field | None, QWidget | None, bool]] = []  # field, bare, wide
        self.fields: list[Field] = []

    def add(self, caption: str, editor: QWidget, *, hint: str = "", wide: bool = False) -> Field:
        """Place ``editor`` with its caption; ``wide`` spans every column (long text)."""
        label = QLabel(caption)
        label.setBuddy(editor)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        label.setMinimumWidth(label.fontMetrics().horizontalAdvance("M" * 10))
        if isinstance(editor, (QComboBox, QLineEdit, QAbstractSpinBox)):
            editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            if self._columns == 1 and not wide:  # a short answer needs no full-width box
                editor.setMaximumWidth(editor.fontMetrics().horizontalAdvance("M" * 30))
        target = editor.focusProxy() or editor
        if not target.accessibleName():
            named(target, caption, hint)
        hint_widget = hint_label(hint) if hint else None
        field = Field(label=label, editor=editor, error=error_label(), hint=hint_widget)
        self.fields.append(field)
        self._items.append((field, None, wide))
        self._place()
        return field

    def add_widget(self, widget: QWidget) -> None:
        """A full-width widget without a caption (a check box, a group of options)."""
        self._items.append((None, widget, True))
        self._place()

    def _place(self) -> None:
        grid, columns = self._grid, self._shown_columns
        for field, bare, _wide in self._items:
            for widget in ((bare,) if field is None else
                           (field.label, field.editor, field.hint, field.error)):
                if widget is not None:
                    grid.removeWidget(widget)
        for col in range(2 * max(self._columns, 1)):
            grid.setColumnStretch(col, 1 if col % 2 and col < 2 * columns else 0)
        row = col = 0
        for field, bare, wide in self._items:
            if wide and col:
                row, col = row + 3, 0
            start = 0 if wide else 2 * col
            span = 2 * columns - 1 if wide else 1
            if field is None:
                grid.addWidget(bare, row, 0, 1, 2 * columns)
            else:
                grid.addWidget(field.label, row, start, Qt.AlignmentFlag.AlignTop)
                grid.addWidget(field.editor, row, start + 1, 1, span)
                if field.hint is not None:
                    grid.addWidget(field.hint, row + 1, start + 1, 1, span)
                grid.addWidget(field.error, row + 2, start + 1, 1, span)
            if wide or col + 1 >= columns:
                row, col = row + 3, 0
            else:
                col += 1

    def fold_width(self) -> int:
        return self.fontMetrics().horizontalAdvance("M") * self.FOLD_EMS

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        wanted = self._columns if event.size().width() >= self.fold_width() else 1
        if wanted != self._shown_columns:
            self._shown_columns = wanted
            self._place()

    def minimumSizeHint(self):  # noqa: N802 - Qt override
        """Never ask for two columns' width: folding is how a narrow window copes."""
        hint = super().minimumSizeHint()
        if self._shown_columns > 1:
            hint.setWidth(min(hint.width(), self.fold_width()))
        return hint


def is_input(widget: QWidget) -> bool:
    """True for widgets a person types into or operates (used by the accessibility walk)."""
    parent = widget.parent()
    while parent is not None:  # parts of a spin box or a combo's popup: the owner is named
        if isinstance(parent, (QAbstractSpinBox, QComboBox)):
            return False
        parent = parent.parent()
    return isinstance(widget, (QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox,
                               QAbstractButton, QAbstractItemView))
