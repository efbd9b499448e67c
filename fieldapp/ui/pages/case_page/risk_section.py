"""Risk: the 24-topic checklist with a live score and the four MARAC criteria as prompts.

The score only counts "Yes". Professional judgement can raise a case to MARAC on its own but
must say what the concerns are; it never lowers a score (research/domain.md 2.1).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QLabel, QPlainTextEdit, QSpinBox, QWidget

from fieldapp.domain import records as r
from fieldapp.domain.enums import MaracCriterion, RiskAnswer
from fieldapp.domain.errors import Problem
from fieldapp.domain.risk import QUESTION_COUNT, marac_criteria, risk_level, score
from fieldapp.ui import labels
from fieldapp.ui.pages.case_page.risk_rows import RiskTable
from fieldapp.ui.pages.case_page.section import Section
from fieldapp.ui.widgets import BoolCombo, Field, FieldGrid, named
from fieldapp.ui.widgets.field import error_label


class RiskSection(Section):
    key = "risk"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(self.tr("Risk"), parent)
        intro = QLabel(self.tr(
            "Ask only when it is safe to talk. Only \u201cYes\u201d counts towards the score."))
        intro.setWordWrap(True)
        self.body.addWidget(intro)
        self.pj = QCheckBox(self.tr("Refer on professional judgement"))
        named(self.pj, self.tr("Professional judgement: refer to MARAC on my judgement"))
        self.table = RiskTable(after_last=lambda: self.pj)
        self.body.addWidget(self.table)
        self.answers_error = error_label()
        self.body.addWidget(self.answers_error)

        self.score_label = QLabel()
        font = QFont(self.score_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.score_label.setFont(font)
        self.score_label.setAccessibleName(self.tr("Checklist score"))
        self.body.addWidget(self.score_label)
        self.criteria_label = QLabel()
        self.criteria_label.setWordWrap(True)
        self.body.addWidget(self.criteria_label)
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet("font-weight: 600;")
        self.body.addWidget(self.prompt)

        grid = FieldGrid(columns=1)
        self.body.addWidget(grid)
        grid.add_widget(self.pj)
        self.rationale = QPlainTextEdit()
        self.rationale.setTabChangesFocus(True)
        lines = self.rationale.fontMetrics().lineSpacing()
        self.rationale.setMinimumHeight(lines * 3)
        self.rationale.setMaximumHeight(lines * 5)
        self.events = QSpinBox()
        self.events.setRange(0, 500)
        self.repeat = QCheckBox(self.tr(
            "Repeat: abuse again within 12 months of the last MARAC referral"))
        named(self.repeat, self.tr("Repeat within 12 months of the last MARAC referral"))
        self.marac = BoolCombo()
        t = self.targets
        t["risk.answers"] = Field(QLabel(self.tr("Checklist")), self.table.rows[0].buttons[
            RiskAnswer.YES], self.answers_error)
        t["risk.rationale"] = grid.add(
            self.tr("Rationale (what are the concerns?)"), self.rationale,
            hint=self.tr("Needed when referring on professional judgement."))
        t["risk"] = t["risk.rationale"]
        t["risk.da_events_12m"] = grid.add(
            self.tr("Domestic abuse incidents in the last 12 months"), self.events,
            hint=self.tr("3 or more meets the potential escalation criterion."))
        grid.add_widget(self.repeat)
        t["risk.repeat_within_12m"] = t["risk.da_events_12m"]
        t["risk.marac_referral"] = grid.add(self.tr("MARAC referral made"), self.marac)

        self.table.answered.connect(self.changed.emit)
        self.watch_all(self.pj, self.rationale, self.events, self.repeat, self.marac)
        self.changed.connect(self._refresh)
        self._refresh()

    def first_input(self) -> QWidget:
        return self.table.rows[0].focus_target()

    def _refresh(self) -> None:
        answers = [a for a in self.table.answers() if a is not None]
        yes = score(answers)
        answered = len(answers)
        pj = self.pj.isChecked()
        level = risk_level(yes_count=yes, professional_judgement=pj)
        self.score_label.setText(self.tr(
            "Score: {yes} yes of {total} ({answered} answered) \u2014 risk level {level}"
        ).format(yes=yes, total=QUESTION_COUNT, answered=answered, level=labels.label(level)))
        met = marac_criteria(yes_count=yes, professional_judgement=pj,
                             da_events_12m=self.events.value(),
                             repeat_within_12m=self.repeat.isChecked())
        lines = []
        for criterion in MaracCriterion:
            mark = self.tr("\u2714 met") if criterion in met else self.tr("\u2013 not met")
            lines.append(f"{labels.label(criterion)}: {mark}")
        self.criteria_label.setText(self.tr("MARAC criteria") + "\n" + "\n".join(lines))
        self.rationale.setEnabled(pj)
        if met and self.marac.value() is not True:
            self.prompt.setText(self.tr(
                "\u26a0 MARAC criteria met ({count}): make a referral and record it below."
            ).format(count=len(met)))
        elif met:
            self.prompt.setText(self.tr("MARAC referral recorded."))
        else:
            self.prompt.setText("")
        self.prompt.setVisible(bool(self.prompt.text()))

    def load(self, case: r.CaseOut, visit: r.VisitOut | None) -> None:
        risk = visit.risk if visit is not None else None
        if risk is None:
            self.set_state({})
            return
        self.set_state({
            "answers": [a.value for a in risk.answers],
            "professional_judgement": risk.professional_judgement,
            "rationale": risk.rationale, "da_events_12m": risk.da_events_12m,
            "repeat_within_12m": risk.repeat_within_12m, "marac_referral": risk.marac_referral,
        })

    def state(self) -> dict[str, Any]:
        return {
            "answers": [None if a is None else a.value for a in self.table.answers()],
            "professional_judgement": self.pj.isChecked(),
            "rationale": self.rationale.toPlainText(),
            "da_events_12m": self.events.value(),
            "repeat_within_12m": self.repeat.isChecked(),
            "marac_referral": self.marac.value(),
        }

    def set_state(self, state: dict[str, Any]) -> None:
        self.table.set_answers(state.get("answers") or [])
        self.pj.setChecked(bool(state.get("professional_judgement")))
        if self.rationale.toPlainText() != (state.get("rationale") or ""):
            self.rationale.setPlainText(state.get("rationale") or "")
        self.events.setValue(int(state.get("da_events_12m") or 0))
        self.repeat.setChecked(bool(state.get("repeat_within_12m")))
        self.marac.set_value(state.get("marac_referral"))
        self._refresh()

    def form_part(self) -> tuple[dict[str, Any], list[Problem]]:
        """No risk is sent until something in the section was recorded; unanswered topics are
        sent as "Not asked", which is what they were."""
        state = self.state()
        touched = (any(a is not None for a in state["answers"]) or state["professional_judgement"]
                   or state["rationale"].strip() or state["da_events_12m"]
                   or state["repeat_within_12m"] or state["marac_referral"] is not None)
        if not touched:
            return {"risk": None}, []
        state["answers"] = [a or RiskAnswer.NOT_ASKED.value for a in state["answers"]]
        return {"risk": state}, []
