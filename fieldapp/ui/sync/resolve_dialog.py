"""Resolve one conflict: the values side by side with who and when, which is in force now, a
required reason, and the choice saved (audited, and synced as a ``resolution`` operation that
clears the conflict at the hub and on every laptop holding the case)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.errors import UserFacingError
from fieldapp.services.sync import conflicts
from fieldapp.services.sync.conflicts import ConflictSide, ConflictView
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.common import BusyRow, FieldMessage, em, guarded, scaled_font
from fieldapp.ui.tasks import run_task
from fieldapp.ui.widgets import london_text

log = logging.getLogger(__name__)


def _same(a: ConflictSide, b: ConflictSide) -> bool:
    return (a.value, a.by, a.at) == (b.value, b.by, b.at)


class ResolveDialog(QDialog):
    conflict_resolved = Signal(str)  # conflict id

    def __init__(self, context: AppContext, conflict: ConflictView,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Resolve a conflict"))
        self._context = context
        self._conflict = conflict
        heading = QLabel(self.tr("%1 — case %2 (police ref %3)").replace(
            "%1", conflict.field_label).replace("%2", conflict.pseudonym).replace(
            "%3", conflict.police_ref), self)
        heading.setFont(scaled_font(self, 1.2, bold=True))
        heading.setWordWrap(True)
        intro = QLabel(self.tr(
            "Two devices changed this safety information differently. Until you choose, the "
            "safer value is in force. Check with the victim's record or your colleague, then "
            "choose the right one and say why."), self)
        intro.setWordWrap(True)
        self.choices = QButtonGroup(self)
        sides_row = QHBoxLayout()
        self.side_frames: list[QFrame] = []
        for index, side in enumerate(conflict.sides):
            frame = QFrame(self)
            frame.setFrameShape(QFrame.Shape.StyledPanel)
            frame.setObjectName("conflictSide")
            column = QVBoxLayout(frame)
            radio = QRadioButton(self.tr("Keep this value"), frame)
            radio.setAccessibleName(self.tr("Keep %1").replace("%1", side.label))
            self.choices.addButton(radio, index)
            value = QLabel(f"{conflict.field_label}: {side.label}", frame)
            value.setFont(scaled_font(self, 1.15, bold=True))
            value.setWordWrap(True)
            who = QLabel(self.tr("Changed by %1\n%2").replace("%1", side.by).replace(
                "%2", london_text(side.at)), frame)
            column.addWidget(value)
            column.addWidget(who)
            if _same(side, conflict.in_force):
                badge = QLabel(self.tr("In force now"), frame)
                badge.setObjectName("inForce")
                badge.setStyleSheet("#inForce { color: #7a4a00; font-weight: bold; }")
                column.addWidget(badge)
                frame.setStyleSheet("#conflictSide { border: 2px solid #7a4a00; }")
            column.addWidget(radio)
            column.addStretch(1)
            sides_row.addWidget(frame, 1)
            self.side_frames.append(frame)
        self.reason = QPlainTextEdit(self)
        self.reason.setAccessibleName(self.tr("Reason for this choice (required)"))
        self.reason.setPlaceholderText(self.tr("Why this value is the right one (required; it is "
                                               "kept with the choice)"))
        self.reason.setMaximumHeight(em(self, 4.5))
        self.message = FieldMessage(self.reason, self)
        self.busy = BusyRow(self)
        self.buttons = QDialogButtonBox(self)
        self.resolve_button = self.buttons.addButton(self.tr("&Resolve"),
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        self.resolve_button.clicked.connect(self.resolve)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(sides_row)
        reason_label = QLabel(self.tr("&Reason"), self)
        reason_label.setBuddy(self.reason)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(em(self, 36))

    def choose(self, index: int) -> None:
        button = self.choices.button(index)
        if button is not None:
            button.setChecked(True)

    def resolve(self) -> None:
        index = self.choices.checkedId()
        reason = self.reason.toPlainText().strip()
        if index < 0:
            self.message.show_message(self.tr("Choose the value to keep."))
            return
        if not reason:
            self.message.show_message(self.tr("Say why this value is the right one: the reason "
                                              "is kept with the choice."))
            self.reason.setFocus()
            return
        self.message.clear_message()
        self.resolve_button.setEnabled(False)
        self.busy.start(self.tr("Saving the choice…"))
        store, by, conflict_id = self._context.store, self._context.user, self._conflict.conflict_id
        run_task(lambda: conflicts.resolve_conflict(store=store, conflict_id=conflict_id,
                                                    chosen_index=index, reason=reason, by=by),
                 on_done=guarded(self, lambda _r: self._resolved()),
                 on_error=guarded(self, self._failed), write=True)

    def _resolved(self) -> None:
        self.busy.stop()
        log.info("conflict resolved", extra={"status": self._conflict.field})
        self.conflict_resolved.emit(self._conflict.conflict_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy.stop()
        self.resolve_button.setEnabled(True)
        if isinstance(exc, UserFacingError | ValueError):
            self.message.show_message(str(exc)[:1].upper() + str(exc)[1:])
        else:
            log.warning("conflict resolution failed", extra={"status": type(exc).__name__})
            self.message.show_message(self.tr("The choice was not saved (%1); nothing was "
                                              "changed. Try again.").replace(
                "%1", type(exc).__name__))
