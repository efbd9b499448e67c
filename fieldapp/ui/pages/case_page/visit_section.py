"""Visit: when the IDVA saw the victim, how, whether it was safe to talk, and who else is around."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton, QWidget

from fieldapp.domain import records as r
from fieldapp.domain.clock import as_utc, utc_now
from fieldapp.domain.enums import (
    EncompassNotified,
    RiskGrade,
    SafeToTalk,
    SuspectLocation,
    VisitMode,
)
from fieldapp.domain.errors import Problem
from fieldapp.services.identity import staff_code_problem
from fieldapp.ui.pages.case_page.section import Section
from fieldapp.ui.widgets import (
    BoolCombo,
    EnumCombo,
    FieldGrid,
    LondonDateTimeEdit,
    OptionalSpinBox,
    london_text,
    named,
)

_COMBOS = ("mode", "safe_to_talk", "suspect_location", "encompass_notified", "police_risk_grade")


class VisitSection(Section):
    key = "visit"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(self.tr("Visit"), parent)
        self._police_visit_at: datetime | None = None
        grid = FieldGrid(columns=2)
        self.body.addWidget(grid)

        self.visit_at = LondonDateTimeEdit()
        self.now_button = QPushButton(self.tr("Now"))
        named(self.now_button, self.tr("Set the IDVA visit time to now"))
        self.now_button.clicked.connect(lambda: self.visit_at.set_value(utc_now()))
        when = QWidget()
        row = QHBoxLayout(when)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.visit_at, 1)
        row.addWidget(self.now_button)
        when.setFocusProxy(self.visit_at)

        self.mode = EnumCombo(VisitMode)
        self.safe_to_talk = EnumCombo(SafeToTalk)
        self.suspect_location = EnumCombo(SuspectLocation)
        self.children = OptionalSpinBox(30)
        self.encompass_notified = EnumCombo(EncompassNotified)
        self.police_risk_grade = EnumCombo(RiskGrade)
        self.repeat_victim = BoolCombo()
        self.repeat_suspect = BoolCombo()
        self.idva_code = QLineEdit()
        self.idva_code.setMaxLength(40)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        lines = self.note.fontMetrics().lineSpacing()
        self.note.setMinimumHeight(lines * 4)
        self.note.setMaximumHeight(lines * 7)

        t = self.targets
        t["visit.idva_visit_at"] = grid.add(
            self.tr("IDVA visit time"), when, hint=self.tr("UK time (Europe/London)"))
        t["visit.mode"] = grid.add(self.tr("Visit mode"), self.mode)
        t["visit.safe_to_talk"] = grid.add(self.tr("Safe to talk now"), self.safe_to_talk)
        t["visit.suspect_location"] = grid.add(
            self.tr("Where the perpetrator is"), self.suspect_location)
        t["visit.children_in_household"] = grid.add(
            self.tr("Children in household"), self.children)
        t["visit.encompass_notified"] = grid.add(
            self.tr("Operation Encompass notified"), self.encompass_notified)
        t["visit"] = t["visit.encompass_notified"]  # the children/Encompass cross-check
        t["visit.police_risk_grade"] = grid.add(
            self.tr("Police risk grade"), self.police_risk_grade)
        t["visit.repeat_victim"] = grid.add(self.tr("Repeat victim"), self.repeat_victim)
        t["visit.repeat_suspect"] = grid.add(self.tr("Repeat suspect"), self.repeat_suspect)
        t["visit.idva_code"] = grid.add(self.tr("IDVA staff code"), self.idva_code)
        t["visit.note"] = grid.add(self.tr("Visit note"), self.note, wide=True)
        self.watch_all(self.visit_at, self.mode, self.safe_to_talk, self.suspect_location,
                       self.children, self.encompass_notified, self.police_risk_grade,
                       self.repeat_victim, self.repeat_suspect, self.idva_code, self.note)

    def first_input(self) -> QWidget:
        return self.visit_at

    def load(self, case: r.CaseOut, visit: r.VisitOut | None) -> None:
        self._police_visit_at = case.police_visit_at
        if visit is None or visit.idva_visit_at is None:
            self.visit_at.set_value(utc_now())
            # The allocation is offered only when it is a staff code (older ones held a name).
            allocated = case.allocated_to or ""
            self.idva_code.setText("" if staff_code_problem(allocated) else allocated)
            for name in _COMBOS:
                getattr(self, name).set_value(None)
            self.children.set_value(None)
            self.repeat_victim.set_value(None)
            self.repeat_suspect.set_value(None)
            self.note.setPlainText("")
            return
        self.set_state({
            "idva_visit_at": visit.idva_visit_at.isoformat(), "idva_code": visit.idva_code,
            "children_in_household": visit.children_in_household, "note": visit.note,
            "repeat_victim": visit.repeat_victim, "repeat_suspect": visit.repeat_suspect,
            **{name: getattr(visit, name) for name in _COMBOS},
        })

    def state(self) -> dict[str, Any]:
        return {
            "idva_visit_at": self.visit_at.value().isoformat(),
            "idva_code": self.idva_code.text(),
            "children_in_household": self.children.value_or_none(),
            "repeat_victim": self.repeat_victim.value(),
            "repeat_suspect": self.repeat_suspect.value(),
            "note": self.note.toPlainText(),
            **{name: getattr(self, name).value() for name in _COMBOS},
        }

    def set_state(self, state: dict[str, Any]) -> None:
        at = state.get("idva_visit_at")
        self.visit_at.set_value(datetime.fromisoformat(at) if at else utc_now())
        self.idva_code.setText(state.get("idva_code") or "")
        self.children.set_value(state.get("children_in_household"))
        self.repeat_victim.set_value(state.get("repeat_victim"))
        self.repeat_suspect.set_value(state.get("repeat_suspect"))
        if self.note.toPlainText() != (state.get("note") or ""):
            self.note.setPlainText(state.get("note") or "")
        for name in _COMBOS:
            getattr(self, name).set_value(state.get(name))

    def form_part(self) -> tuple[dict[str, Any], list[Problem]]:
        data = self.state()
        data["idva_visit_at"] = self.visit_at.value()
        if data["mode"] is None:
            del data["mode"]  # required: reported as "is required", not as a bad choice
        problems = []
        police = self._police_visit_at
        if police is not None and as_utc(data["idva_visit_at"]) < as_utc(police):
            problems.append(Problem("visit.idva_visit_at", self.tr(
                "The IDVA visit cannot be before the police visit ({time})."
            ).format(time=london_text(police))))
        return {"visit": data}, problems

