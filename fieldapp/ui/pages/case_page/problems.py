"""The error summary at the top of the page: what stops it saving, each a link to the field."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from fieldapp.domain.errors import Problem
from fieldapp.ui.pages.case_page.section import Section
from fieldapp.ui.widgets import Field
from fieldapp.ui.widgets.field import ERROR_COLOUR


class ErrorSummary(QFrame):
    """Hidden until a save is refused. Links are reachable with Tab and open with Enter."""

    field_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("errorSummary")
        self.setStyleSheet(
            f"#errorSummary {{ border: 2px solid {ERROR_COLOUR}; border-left-width: 6px;"
            " border-radius: 3px; }")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(10, 8, 10, 8)
        self._layout.setSpacing(2)
        self.heading = QLabel()
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.heading.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # focused after a refusal
        self._layout.addWidget(self.heading)
        self.links: list[QLabel] = []
        self.hide()

    def show_problems(self, lines: list[tuple[str, bool]]) -> None:
        """``lines``: (text, has a field to go to), in the page's reading order."""
        self.clear()
        if len(lines) == 1:
            text = self.tr("Not saved: one thing to fix first. Nothing was written.")
        else:
            text = self.tr("Not saved: {count} things to fix first. Nothing was written."
                           ).format(count=len(lines))
        self.heading.setText(text)
        self.heading.setAccessibleName(self.heading.text())
        for index, (text, linked) in enumerate(lines):
            label = QLabel()
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            safe = html.escape(text)
            label.setText(f'\u2022 <a href="#{index}">{safe}</a>' if linked else f"\u2022 {safe}")
            label.setTextInteractionFlags(
                Qt.TextInteractionFlag.LinksAccessibleByKeyboard
                | Qt.TextInteractionFlag.LinksAccessibleByMouse)
            label.setAccessibleName(text)
            label.linkActivated.connect(lambda href: self.field_requested.emit(int(href[1:])))
            self._layout.addWidget(label)
            self.links.append(label)
        self.show()
        self.heading.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear(self) -> None:
        for label in self.links:
            self._layout.removeWidget(label)
            label.deleteLater()
        self.links = []
        self.hide()


class ProblemMap(QObject):
    """Puts each Problem beside its field and in the summary, in the page's reading order.

    ``Problem.field`` is a VisitForm path ("visit.idva_visit_at", "offers.1.decline_reason",
    "risk"); a section answers for the paths it owns, by longest prefix. ``aliases`` maps the
    few bare names a service uses to their form path.
    """

    field_requested = Signal(object)  # the Field to go to

    def __init__(self, sections: Sequence[Section], summary: ErrorSummary,
                 aliases: dict[str, str], parent: QObject | None = None):
        super().__init__(parent or summary)
        self.sections = list(sections)
        self.summary = summary
        self.aliases = aliases
        self.fields: list[Field | None] = []
        summary.field_requested.connect(self._requested)

    def locate(self, path: str) -> tuple[Section, Field] | None:
        path = self.aliases.get(path, path)
        for section in self.sections:
            field = section.field_for(path)
            if field is not None:
                return section, field
        return None

    def show(self, problems: list[Problem]) -> None:
        self.clear()
        order = {s.key: i for i, s in enumerate(self.sections)}
        placed = []
        for problem in dict.fromkeys(problems):  # drop exact repeats, keep order
            message = QCoreApplication.translate("Problems", problem.message)
            found = self.locate(problem.field)
            if found is None:
                rank = (len(order), 0)
            else:
                fields = found[0].fields()
                rank = (order[found[0].key],
                        fields.index(found[1]) if found[1] in fields else len(fields))
            placed.append((rank, message, found))
        placed.sort(key=lambda item: item[0])
        lines: list[tuple[str, bool]] = []
        for _rank, message, found in placed:
            if found is None:
                lines.append((message, False))
                self.fields.append(None)
                continue
            section, field = found
            field.set_error(message if message[:1].isupper() else f"{field.name}: {message}")
            lines.append((f"{section.title} \u2014 {field.name}: {message}", True))
            self.fields.append(field)
        self.summary.show_problems(lines)

    def clear(self) -> None:
        for section in self.sections:
            section.clear_errors()
        self.summary.clear()
        self.fields = []

    def _requested(self, index: int) -> None:
        field = self.fields[index] if 0 <= index < len(self.fields) else None
        if field is not None:
            self.field_requested.emit(field)
