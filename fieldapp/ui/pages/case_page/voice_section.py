"""Victim's voice: their own words, their goals and their consent, appended, never overwritten."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from fieldapp.domain import records as r
from fieldapp.domain.enums import ConsentScope, ConsentToShare, VictimGoal
from fieldapp.domain.errors import Problem
from fieldapp.ui import labels
from fieldapp.ui.pages.case_page.section import Section
from fieldapp.ui.pages.case_page.voice_history import VoiceHistory
from fieldapp.ui.widgets import EnumCombo, FieldGrid, london_text, named


class VoiceSection(Section):
    key = "voice"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(self.tr("Victim's voice"), parent)
        self._corrects: UUID | None = None
        self._entries: dict[UUID, r.VoiceEntryOut] = {}
        self.history = VoiceHistory()
        self.history.correct_requested.connect(self.start_correction)
        self.body.addWidget(self.history)

        bar = QHBoxLayout()
        self.new_title = QLabel()
        self.cancel_correction = QPushButton(self.tr("Cancel correction"))
        named(self.cancel_correction, self.tr("Cancel correction: start a new entry instead"))
        self.cancel_correction.clicked.connect(lambda: self.set_corrects(None))
        bar.addWidget(self.new_title, 1)
        bar.addWidget(self.cancel_correction)
        self.body.addLayout(bar)

        grid = FieldGrid(columns=1)
        self.body.addWidget(grid)
        self.words = QPlainTextEdit()
        self.words.setTabChangesFocus(True)
        lines = self.words.fontMetrics().lineSpacing()
        self.words.setMinimumHeight(lines * 5)
        self.words.setMaximumHeight(lines * 9)
        self.verbatim = QRadioButton(self.tr("Their exact words"))
        self.paraphrased = QRadioButton(self.tr("Paraphrased"))
        named(self.verbatim, self.tr("Recorded as their exact words"))
        named(self.paraphrased, self.tr("Recorded as a paraphrase"))
        self.verbatim.setChecked(True)
        kind = QWidget()
        kind_row = QHBoxLayout(kind)
        kind_row.setContentsMargins(0, 0, 0, 0)
        group = QButtonGroup(kind)
        for button in (self.verbatim, self.paraphrased):
            group.addButton(button)
            kind_row.addWidget(button)
        kind_row.addStretch(1)
        kind.setFocusProxy(self.verbatim)

        goals = QWidget()
        goal_grid = QGridLayout(goals)
        goal_grid.setContentsMargins(0, 0, 0, 0)
        self.goals: dict[str, QCheckBox] = {}
        for i, goal in enumerate(VictimGoal):
            box = QCheckBox(labels.label(goal))
            named(box, self.tr("Goal: {goal}").format(goal=labels.label(goal)))
            goal_grid.addWidget(box, i // 2, i % 2)
            self.goals[goal.value] = box
        goals.setFocusProxy(self.goals[VictimGoal.BE_DA_FREE.value])

        self.consent = EnumCombo(ConsentToShare)
        scope = QWidget()
        scope_row = QHBoxLayout(scope)
        scope_row.setContentsMargins(0, 0, 0, 0)
        self.scope: dict[str, QCheckBox] = {}
        for item in ConsentScope:
            box = QCheckBox(labels.label(item))
            named(box, self.tr("Share with: {who}").format(who=labels.label(item)))
            scope_row.addWidget(box)
            self.scope[item.value] = box
        scope_row.addStretch(1)
        scope.setFocusProxy(self.scope[ConsentScope.POLICE.value])
        self.consent.currentIndexChanged.connect(self._enable_scope)

        t = self.targets
        t["new_voice.0.words"] = grid.add(
            self.tr("Their own words"), self.words,
            hint=self.tr("Saved with the page; earlier entries are kept as they were."))
        t["corrects"] = t["new_voice.0.words"]
        t["new_voice.0.verbatim"] = grid.add(self.tr("Recorded as"), kind)
        t["new_voice.0.goals"] = grid.add(self.tr("Their goals"), goals)
        t["new_voice.0.consent_to_share"] = grid.add(self.tr("Consent to share"), self.consent)
        t["new_voice.0"] = t["new_voice.0.consent_to_share"]
        t["new_voice.0.consent_scope"] = grid.add(self.tr("Share with"), scope)
        self.watch_all(self.words, self.verbatim, self.consent, *self.goals.values(),
                       *self.scope.values())
        self.set_corrects(None)
        self._enable_scope()

    def _enable_scope(self) -> None:
        allowed = self.consent.value() == ConsentToShare.YES.value
        for box in self.scope.values():
            box.setEnabled(allowed)

    def first_input(self) -> QWidget:
        return self.words

    # ---- corrections ------------------------------------------------------------------------
    def set_corrects(self, entry_id: UUID | None) -> None:
        entry = self._entries.get(entry_id) if entry_id else None
        self._corrects = entry.entry_id if entry else None
        if entry is None:
            self.new_title.setText(self.tr("New entry"))
        else:
            self.new_title.setText(self.tr("Correcting the entry of {time}").format(
                time=london_text(entry.recorded_at)))
        self.cancel_correction.setVisible(entry is not None)
        self.changed.emit()

    def start_correction(self, entry: r.VoiceEntryOut) -> None:
        """Pre-fill a new entry with the old one's content; saving appends, never overwrites."""
        self._fill({
            "words": entry.words, "verbatim": entry.verbatim,
            "goals": [g.value for g in entry.goals],
            "consent_to_share": None if entry.consent_to_share is None else entry.consent_to_share.value,
            "consent_scope": [s.value for s in entry.consent_scope],
        })
        self.set_corrects(entry.entry_id)
        self.words.setFocus()

    # ---- state ------------------------------------------------------------------------------
    def load(self, case: r.CaseOut, visit: r.VisitOut | None) -> None:
        self._entries = {e.entry_id: e for e in case.voice}
        self.history.set_entries(case.voice)
        self.set_state({})

    def state(self) -> dict[str, Any]:
        return {
            "words": self.words.toPlainText(),
            "verbatim": self.verbatim.isChecked(),
            "goals": [code for code, box in self.goals.items() if box.isChecked()],
            "consent_to_share": self.consent.value(),
            "consent_scope": [code for code, box in self.scope.items() if box.isChecked()],
            "corrects": str(self._corrects) if self._corrects else None,
        }

    def _fill(self, state: dict[str, Any]) -> None:
        words = state.get("words") or ""
        if self.words.toPlainText() != words:
            self.words.setPlainText(words)
        (self.verbatim if state.get("verbatim", True) else self.paraphrased).setChecked(True)
        goals = set(state.get("goals") or [])
        for code, box in self.goals.items():
            box.setChecked(code in goals)
        self.consent.set_value(state.get("consent_to_share"))
        scope = set(state.get("consent_scope") or [])
        for code, box in self.scope.items():
            box.setChecked(code in scope)

    def set_state(self, state: dict[str, Any]) -> None:
        self._fill(state)
        corrects = state.get("corrects")
        self.set_corrects(UUID(corrects) if corrects else None)

    def form_part(self) -> tuple[dict[str, Any], list[Problem]]:
        state = self.state()
        consent_yes = state["consent_to_share"] == ConsentToShare.YES.value
        entry = {
            "words": state["words"], "verbatim": state["verbatim"], "goals": state["goals"],
            "consent_to_share": state["consent_to_share"],
            "consent_scope": state["consent_scope"] if consent_yes else [],
            "corrects": state["corrects"],
        }
        started = (state["words"].strip() or state["goals"] or state["consent_to_share"]
                   or state["corrects"])
        return {"new_voice": [entry] if started else []}, []
