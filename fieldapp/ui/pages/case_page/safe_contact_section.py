"""Safe contact: how and when the IDVA may get in touch without putting the victim at risk.

The number and the times show as dots until asked for, and hide again after 30 seconds
(``revealer.timeout_ms``); they cannot be copied, so they never sit in a clipboard history.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QWidget

from fieldapp.domain import records as r
from fieldapp.domain.enums import SafeContactMethod
from fieldapp.domain.errors import Problem
from fieldapp.ui.pages.case_page.section import Section
from fieldapp.ui.widgets import EnumCombo, FieldGrid, MaskedLineEdit, Revealer, named
from fieldapp.ui.widgets.masked import REVEAL_MS


class SafeContactSection(Section):
    key = "safe_contact"

    def __init__(self, parent: QWidget | None = None, reveal_ms: int = REVEAL_MS):
        super().__init__(self.tr("Safe contact"), parent)
        note = QLabel(self.tr(
            "Hidden on screen. \u201cShow for 30 seconds\u201d reveals the number and times; "
            "they cannot be copied."))
        note.setWordWrap(True)
        self.body.addWidget(note)
        grid = FieldGrid(columns=2)
        self.body.addWidget(grid)
        self.method = EnumCombo(SafeContactMethod)
        self.number = MaskedLineEdit()
        self.number.setMaxLength(40)
        self.times = MaskedLineEdit()
        self.times.setMaxLength(200)
        self.voicemail = QCheckBox(self.tr("Voicemail is safe"))
        self.text_ok = QCheckBox(self.tr("Text messages are safe"))
        named(self.voicemail, self.tr("Safe to leave a voicemail"))
        named(self.text_ok, self.tr("Safe to send a text message"))
        self.reveal_button = QPushButton(self.tr("Show for 30 seconds"))
        named(self.reveal_button, self.tr("Show the safe number and times for 30 seconds"))
        self.revealer = Revealer([self.number, self.times], self.reveal_button, reveal_ms)

        t = self.targets
        t["safe_contact.method"] = grid.add(self.tr("Safe way to contact"), self.method)
        t["safe_contact.safe_number"] = grid.add(
            self.tr("Safe number"), self.number, hint=self.tr("Digits, spaces, + ( ) - only."))
        t["safe_contact"] = t["safe_contact.safe_number"]
        t["safe_contact.safe_times"] = grid.add(self.tr("Safe times to call"), self.times)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.voicemail)
        line.addWidget(self.text_ok)
        line.addStretch(1)
        line.addWidget(self.reveal_button)
        grid.add_widget(row)
        self.watch_all(self.method, self.number, self.times, self.voicemail, self.text_ok)

    def first_input(self) -> QWidget:
        return self.method

    def load(self, case: r.CaseOut, visit: r.VisitOut | None) -> None:
        contact = case.safe_contact
        self.revealer.mask()
        if contact is None:
            self.set_state({})
            return
        self.set_state({
            "method": contact.method.value, "safe_number": contact.safe_number,
            "safe_times": contact.safe_times, "voicemail_ok": contact.voicemail_ok,
            "text_ok": contact.text_ok,
        })

    def state(self) -> dict[str, Any]:
        return {
            "method": self.method.value(),
            "safe_number": self.number.text(),
            "safe_times": self.times.text(),
            "voicemail_ok": self.voicemail.isChecked(),
            "text_ok": self.text_ok.isChecked(),
        }

    def set_state(self, state: dict[str, Any]) -> None:
        self.method.set_value(state.get("method"))
        self.number.setText(state.get("safe_number") or "")
        self.times.setText(state.get("safe_times") or "")
        self.voicemail.setChecked(bool(state.get("voicemail_ok")))
        self.text_ok.setChecked(bool(state.get("text_ok")))

    def form_part(self) -> tuple[dict[str, Any], list[Problem]]:
        state = self.state()
        touched = (state["method"] or state["safe_number"].strip() or state["safe_times"].strip()
                   or state["voicemail_ok"] or state["text_ok"])
        return {"safe_contact": state if touched else None}, []
