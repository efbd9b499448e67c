"""Outcome: the Home Office crime outcome code and its date, usually filled in after sync."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from fieldapp.domain import records as r
from fieldapp.domain.errors import Problem
from fieldapp.ui import labels
from fieldapp.ui.pages.case_page.section import Section
from fieldapp.ui.widgets import DateLineEdit, EnumCombo, FieldGrid, parse_date


class OutcomeSection(Section):
    key = "outcome"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(self.tr("Outcome"), parent)
        grid = FieldGrid(columns=2)
        self.body.addWidget(grid)
        self.code = EnumCombo(labels.outcome_choices())
        self.code.setMinimumContentsLength(24)
        self.date = DateLineEdit()
        t = self.targets
        t["outcome.outcome_code"] = grid.add(self.tr("Outcome code"), self.code)
        t["outcome"] = t["outcome.outcome_code"]
        t["outcome.outcome_date"] = grid.add(
            self.tr("Outcome date"), self.date, hint=self.tr("dd/mm/yyyy; leave empty if not known."))
        self.watch_all(self.code, self.date)

    def first_input(self) -> QWidget:
        return self.code

    def load(self, case: r.CaseOut, visit: r.VisitOut | None) -> None:
        out = case.outcome
        self.set_state({} if out is None else {
            "outcome_code": out.outcome_code,
            "outcome_date": out.outcome_date.strftime("%d/%m/%Y") if out.outcome_date else "",
        })

    def state(self) -> dict[str, Any]:
        return {"outcome_code": self.code.value(), "outcome_date": self.date.text()}

    def set_state(self, state: dict[str, Any]) -> None:
        self.code.set_value(state.get("outcome_code"))
        self.date.setText(state.get("outcome_date") or "")

    def form_part(self) -> tuple[dict[str, Any], list[Problem]]:
        state = self.state()
        problems: list[Problem] = []
        try:
            when = parse_date(state["outcome_date"])
        except ValueError:
            when = None
            problems.append(Problem("outcome.outcome_date", self.tr(
                "is not a date: type it as dd/mm/yyyy")))
        if state["outcome_code"] is None and not state["outcome_date"].strip():
            return {"outcome": None}, problems
        if state["outcome_code"] is None:
            problems.append(Problem("outcome.outcome_code", self.tr(
                "choose the outcome code for this date, or clear the date")))
            return {"outcome": None}, problems
        return {"outcome": {"outcome_code": state["outcome_code"], "outcome_date": when}}, problems
