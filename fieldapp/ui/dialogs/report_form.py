"""Form pieces shared by the export and report dialogs: labelled rows with their own messages,
the recipient and purpose of a disclosure, and the optional PDF password.

A disclosure (an export, a printed or saved PDF) is recorded in the audit log with who it is
for and why (DPA 2018 s.62), so both are required and the form says so before anything is
written. Problems show beside their field (icon, words, a red border) and become the field's
accessible description.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from fieldapp.ui.dialogs.common import FieldMessage, Tone, em, keep_to_its_text, stacked

_CTX = "ReportForm"
MAX_TEXT = 200


def tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def plain(text: str) -> str:
    """A caption without its mnemonic ampersand or trailing colon, for accessible names."""
    return text.replace("&", "").rstrip(":").strip()


def hint(parent: QWidget, text: str) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet("color: #505050;")
    return label


def note(parent: QWidget, text: str, tone: Tone = Tone.INFO) -> FieldMessage:
    """A standing message (not an error) with an icon, e.g. the OFFICIAL-SENSITIVE reminder."""
    message = FieldMessage(None, parent)
    message.show_message(text, tone)
    return message


def resize_within_screen(window: QWidget, width: int, height: int) -> None:
    """``width`` x ``height``, but never more than 90% of the screen (a 1366x768 laptop at 150%
    has 911x512 logical pixels)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        room = screen.availableGeometry()
        width = min(width, int(room.width() * 0.9))
        height = min(height, int(room.height() * 0.9))
    window.resize(width, height)


class FormRows:
    """A QFormLayout whose every row has a message line (hidden until needed) under its field."""

    def __init__(self, parent: QWidget):
        self._parent = parent
        self.layout = QFormLayout()
        self.layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.layout.setVerticalSpacing(em(parent, 0.5))
        self.messages: dict[QWidget, FieldMessage] = {}
        self.order: list[QWidget] = []

    def add(self, caption: str, widget: QWidget, hint_text: str = "",
            accessible: str = "", *, inputs: tuple[QWidget, ...] = ()) -> FieldMessage:
        """A row; ``inputs`` names the line edits inside a composite ``widget`` (they share
        its message, and the first takes the caption's mnemonic)."""
        targets = inputs or (widget,)
        label = QLabel(caption, self._parent)
        label.setBuddy(targets[0])
        if not inputs:
            widget.setAccessibleName(accessible or plain(caption))
        message = FieldMessage(targets[-1], self._parent)
        parts = [widget] + ([hint(self._parent, hint_text)] if hint_text else []) + [message]
        self.layout.addRow(label, stacked(self._parent, *parts))
        for target in targets:
            self.messages[target] = message
            self.order.append(target)
        return message

    def add_check(self, box: QCheckBox, accessible: str = "") -> None:
        box.setAccessibleName(accessible or plain(box.text()))
        keep_to_its_text(box)
        self.layout.addRow("", box)
        self.order.append(box)

    def clear(self) -> None:
        for message in self.messages.values():
            message.clear_message()

    def error(self, widget: QWidget, text: str) -> None:
        self.messages[widget].show_message(text, Tone.ERROR)


class DisclosureFields:
    """Recipient and purpose rows (both required), with the audit-log explanation."""

    def __init__(self, parent: QWidget, rows: FormRows, *, what: str):
        self.rows = rows
        self.recipient = QLineEdit(parent)
        self.recipient.setMaxLength(MAX_TEXT)
        self.recipient.setPlaceholderText(tr("e.g. Lancashire Constabulary performance team"))
        self.purpose = QLineEdit(parent)
        self.purpose.setMaxLength(MAX_TEXT)
        self.purpose.setPlaceholderText(tr("e.g. monthly supervision"))
        explained = tr("Both are required: the %1 is recorded in the audit log as a disclosure, "
                       "with this recipient and purpose.").replace("%1", what)
        rows.add(tr("&Recipient"), self.recipient, "", tr("Recipient"))
        rows.add(tr("P&urpose"), self.purpose, explained, tr("Purpose"))
        self.recipient.setAccessibleDescription(tr("Who will receive it: a person, team or "
                                                   "organisation. Recorded in the audit log."))

    def validate(self) -> bool:
        """Show a message beside each empty field; focus the first. True when both are given."""
        first: QWidget | None = None
        for widget, text in (
                (self.recipient, tr("Say who will receive it: it is recorded in the audit log.")),
                (self.purpose, tr("Say why it is being shared: it is recorded in the audit log."))):
            if not widget.text().strip():
                self.rows.error(widget, text)
                first = first or widget
        if first is not None:
            first.setFocus()
        return first is None

    def values(self) -> tuple[str, str]:
        return self.recipient.text().strip(), self.purpose.text().strip()

    def widgets(self) -> list[QWidget]:
        return [self.recipient, self.purpose]


class PasswordFields:
    """An optional PDF password, typed twice so a slip does not lock the recipient out."""

    def __init__(self, parent: QWidget, rows: FormRows):
        self.rows = rows
        self.password = QLineEdit(parent)
        self.confirm = QLineEdit(parent)
        for widget in (self.password, self.confirm):
            widget.setEchoMode(QLineEdit.EchoMode.Password)
            widget.setMaxLength(128)
        self.password.setPlaceholderText(tr("optional"))
        self.confirm.setPlaceholderText(tr("type it again"))
        self.confirm.setEnabled(False)
        self.password.textChanged.connect(lambda text: self.confirm.setEnabled(bool(text)))
        self.password.setAccessibleName(tr("PDF password (optional)"))
        self.confirm.setAccessibleName(tr("Confirm PDF password"))
        box = QWidget(parent)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.password)
        row.addWidget(self.confirm)
        rows.add(tr("PDF pass&word"), box,
                 tr("The recipient needs it to open the PDF: send it to them separately."),
                 inputs=(self.password, self.confirm))

    def validate(self) -> bool:
        if self.password.text() and self.password.text() != self.confirm.text():
            self.rows.error(self.confirm, tr("The two passwords differ; type the same in both."))
            self.confirm.setFocus()
            return False
        return True

    def value(self) -> str | None:
        return self.password.text() or None

    def widgets(self) -> list[QWidget]:
        return [self.password, self.confirm]
