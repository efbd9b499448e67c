"""The section list on the left and the scrolling column of sections it jumps to."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldapp.ui.pages.case_page.section import Section
from fieldapp.ui.widgets import named


class SectionNav(QListWidget):
    """Numbered like their Alt shortcuts; Enter or a click goes to the section's first input."""

    section_chosen = Signal(int)

    def __init__(self, titles: Sequence[str], parent: QWidget | None = None):
        super().__init__(parent)
        named(self, self.tr("Sections of the case"),
              self.tr("Alt and a number jump to a section from anywhere on the page."))
        for number, title in enumerate(titles, start=1):
            item = QListWidgetItem(self.tr("{n}  {title}\nAlt+{n}").format(n=number, title=title))
            item.setData(Qt.ItemDataRole.AccessibleTextRole,
                         self.tr("{title}, Alt+{n}").format(n=number, title=title))
            self.addItem(item)
        self.setSpacing(2)
        self.setFrameShape(QFrame.Shape.NoFrame)
        width = max(self.sizeHintForColumn(0), self.fontMetrics().horizontalAdvance("M" * 12))
        self.setFixedWidth(width + 24)
        self.itemActivated.connect(lambda item: self.section_chosen.emit(self.row(item)))
        self.itemClicked.connect(lambda item: self.section_chosen.emit(self.row(item)))

    def follow(self, index: int) -> None:
        """Highlight the section in view without treating it as a choice."""
        if index != self.currentRow():
            self.blockSignals(True)
            self.setCurrentRow(index)
            self.blockSignals(False)


class SectionScroll(QScrollArea):
    """The sections in reading order (which is also Tab order)."""

    def __init__(self, sections: Sequence[Section], parent: QWidget | None = None):
        super().__init__(parent)
        self.sections = list(sections)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.content = QWidget()
        column = QVBoxLayout(self.content)
        column.setContentsMargins(12, 0, 16, 24)
        for section in sections:
            column.addWidget(section)
        column.addStretch(1)
        self.setWidget(self.content)

    def scroll_to(self, section: Section) -> None:
        self.verticalScrollBar().setValue(section.y())

    def index_in_view(self) -> int:
        top = self.verticalScrollBar().value() + 24
        current = 0
        for index, section in enumerate(self.sections):
            if section.y() <= top:
                current = index
        return current
