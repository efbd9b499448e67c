"""What every section of the case page does: show saved values, hold draft state, build its
part of the VisitForm, and say which of its fields a problem belongs to."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from fieldapp.domain import records as r
from fieldapp.domain.errors import Problem
from fieldapp.ui.widgets import Field, watch


class Section(QFrame):
    """One titled part of the page. Subclasses fill ``self.body`` and ``self.targets``.

    ``targets`` maps a VisitForm path ("visit.mode", "risk", "offers.0") to the field that
    shows its problem; :meth:`field_for` falls back to the longest matching prefix.
    """

    changed = Signal()
    key = ""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"section-{self.key}")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.title = title
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 8, 0, 16)
        outer.setSpacing(8)
        heading = QLabel(title)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        heading.setAccessibleName(title)
        outer.addWidget(heading)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        outer.addWidget(rule)
        self.body = QVBoxLayout()
        self.body.setSpacing(8)
        outer.addLayout(self.body)
        self.targets: dict[str, Field] = {}

    # ---- to implement -----------------------------------------------------------------------
    def load(self, case: r.CaseOut, visit: r.VisitOut | None) -> None:
        raise NotImplementedError

    def state(self) -> dict[str, Any]:
        raise NotImplementedError

    def set_state(self, state: dict[str, Any]) -> None:
        raise NotImplementedError

    def form_part(self) -> tuple[dict[str, Any], list[Problem]]:
        """This section's keys of the VisitForm, and any problem found before validation."""
        raise NotImplementedError

    def first_input(self) -> QWidget:
        raise NotImplementedError

    # ---- shared -----------------------------------------------------------------------------
    def watch_all(self, *widgets: QWidget) -> None:
        for widget in widgets:
            watch(widget, self.changed.emit)

    def field_for(self, path: str) -> Field | None:
        parts = path.split(".")
        while parts:
            found = self.targets.get(".".join(parts))
            if found is not None:
                return found
            parts.pop()
        return None

    def fields(self) -> list[Field]:
        seen: list[Field] = []
        for field in self.targets.values():
            if field not in seen:
                seen.append(field)
        return seen

    def clear_errors(self) -> None:
        for field in self.fields():
            field.clear_error()
