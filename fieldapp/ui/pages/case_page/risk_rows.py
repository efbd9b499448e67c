"""The 24 checklist rows: one exclusive group of four answers per topic, keyboard first.

Tab moves from topic to topic (Qt treats an exclusive group as one stop); arrows move within a
row and Space chooses. Y, N, D and X answer Yes, No, Don't know and Not asked and move straight
on to the next topic, so a practised hand can go down the list without the mouse.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QLabel,
    QRadioButton,
    QScrollArea,
    QWidget,
)

from fieldapp.domain.enums import RiskAnswer
from fieldapp.domain.risk import RISK_TOPICS
from fieldapp.ui import labels
from fieldapp.ui.widgets import named

ANSWERS = (RiskAnswer.YES, RiskAnswer.NO, RiskAnswer.DONT_KNOW, RiskAnswer.NOT_ASKED)
KEYS = {Qt.Key.Key_Y: RiskAnswer.YES, Qt.Key.Key_N: RiskAnswer.NO,
        Qt.Key.Key_D: RiskAnswer.DONT_KNOW, Qt.Key.Key_X: RiskAnswer.NOT_ASKED}
KEY_HINT = {RiskAnswer.YES: "Y", RiskAnswer.NO: "N", RiskAnswer.DONT_KNOW: "D",
            RiskAnswer.NOT_ASKED: "X"}


class RiskRow:
    def __init__(self, number: int, topic: str, grid: QGridLayout, row: int, owner: QObject):
        self.number = number
        self.caption = QLabel(f"{number}. {topic}")
        self.caption.setWordWrap(False)  # a topic on one line keeps its row of answers level
        grid.addWidget(self.caption, row, 0)
        self.group = QButtonGroup(owner)
        self.group.setExclusive(True)
        self.buttons: dict[RiskAnswer, QRadioButton] = {}
        for col, answer in enumerate(ANSWERS, start=1):
            button = QRadioButton(labels.label(answer))
            named(button, f"{number}. {topic}: {labels.label(answer)}")
            self.group.addButton(button)
            grid.addWidget(button, row, col)
            self.buttons[answer] = button

    def answer(self) -> RiskAnswer | None:
        for answer, button in self.buttons.items():
            if button.isChecked():
                return answer
        return None

    def set_answer(self, answer: RiskAnswer | str | None) -> None:
        if answer is None:
            self.group.setExclusive(False)
            for button in self.buttons.values():
                button.setChecked(False)
            self.group.setExclusive(True)
        else:
            self.buttons[RiskAnswer(answer)].setChecked(True)

    def focus_target(self) -> QRadioButton:
        answer = self.answer()
        return self.buttons[answer] if answer is not None else self.buttons[RiskAnswer.YES]


class RiskTable(QWidget):
    """The grid of rows with a header; emits ``answered`` on every change."""

    answered = Signal()

    def __init__(self, parent: QWidget | None = None, after_last: Callable[[], QWidget] | None = None):
        super().__init__(parent)
        self._after_last = after_last
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(len(ANSWERS) + 1, 1)  # answers sit next to their topics
        grid.addWidget(QLabel(self.tr("Topic")), 0, 0)
        for col, answer in enumerate(ANSWERS, start=1):
            head = QLabel(f"{labels.label(answer)} ({KEY_HINT[answer]})")
            head.setAccessibleName(self.tr("{answer}: key {key}").format(
                answer=labels.label(answer), key=KEY_HINT[answer]))
            grid.addWidget(head, 0, col)
        self.rows = [RiskRow(i + 1, self.tr(topic), grid, i + 1, self)
                     for i, topic in enumerate(RISK_TOPICS)]
        for index, row in enumerate(self.rows):
            row.group.buttonToggled.connect(lambda *_: self.answered.emit())
            for button in row.buttons.values():
                button.setProperty("riskRow", index)
                button.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            answer = KEYS.get(Qt.Key(event.key()))
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if answer is not None and mods == Qt.KeyboardModifier.NoModifier:
                index = watched.property("riskRow")
                if isinstance(index, int):
                    self.rows[index].set_answer(answer)
                    self._advance(index)
                    return True
        return super().eventFilter(watched, event)

    def _advance(self, index: int) -> None:
        if index + 1 < len(self.rows):
            target = self.rows[index + 1].focus_target()
        elif self._after_last is not None:
            target = self._after_last()
        else:
            return
        target.setFocus(Qt.FocusReason.TabFocusReason)
        # setFocus does not scroll (only Tab through the scroll area does): keep the question
        # just answered and the next one in view, or answering by key ran off the screen.
        area = self._scroll_area()
        if area is not None:
            margin = self.fontMetrics().height() * 3
            area.ensureWidgetVisible(self.rows[index].focus_target(), 0, margin)
            area.ensureWidgetVisible(target, 0, margin)

    def _scroll_area(self) -> QScrollArea | None:
        widget = self.parentWidget()
        while widget is not None and not isinstance(widget, QScrollArea):
            widget = widget.parentWidget()
        return widget

    def answers(self) -> list[RiskAnswer | None]:
        return [row.answer() for row in self.rows]

    def set_answers(self, answers: list[str | None]) -> None:
        for row, answer in zip(self.rows, list(answers) + [None] * len(self.rows), strict=False):
            row.set_answer(answer)
