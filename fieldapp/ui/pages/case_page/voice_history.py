"""Earlier entries of the victim's voice, read-only, oldest first, each with who and when.

Entries are never edited: "Correct this entry" asks the section to start a new entry that
names the old one, and the history then shows both, linked.
"""

from __future__ import annotations

from uuid import UUID

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from fieldapp.domain import records as r
from fieldapp.ui import labels
from fieldapp.ui.widgets import london_text, named


class VoiceHistory(QWidget):
    correct_requested = Signal(object)  # the VoiceEntryOut to correct

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self.empty = QLabel(self.tr("Nothing recorded in the victim's own words yet."))
        self._layout.addWidget(self.empty)
        self.cards: list[QFrame] = []
        self.buttons: dict[UUID, QPushButton] = {}

    def set_entries(self, entries: list[r.VoiceEntryOut]) -> None:
        for card in self.cards:
            self._layout.removeWidget(card)
            card.deleteLater()
        self.cards, self.buttons = [], {}
        by_id = {e.entry_id: e for e in entries}
        corrected_by = {e.corrects: e for e in entries if e.corrects is not None}
        for entry in entries:
            card = self._card(entry, by_id.get(entry.corrects) if entry.corrects else None,
                              corrected_by.get(entry.entry_id))
            self._layout.addWidget(card)
            self.cards.append(card)
        self.empty.setVisible(not entries)

    def _card(self, entry: r.VoiceEntryOut, corrects: r.VoiceEntryOut | None,
              corrected_by: r.VoiceEntryOut | None) -> QFrame:
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setObjectName("voiceEntry")
        lay = QVBoxLayout(card)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(3)
        kind = self.tr("their exact words") if entry.verbatim else self.tr("paraphrased")
        meta = QLabel(self.tr("{time} · recorded by {who} · {kind}").format(
            time=london_text(entry.recorded_at), who=entry.recorded_by, kind=kind))
        font = QFont(meta.font())
        font.setBold(True)
        meta.setFont(font)
        lay.addWidget(meta)
        if corrects is not None:
            lay.addWidget(QLabel(self.tr("Corrects the entry of {time}.").format(
                time=london_text(corrects.recorded_at))))
        words = QLabel(entry.words)
        words.setWordWrap(True)
        words.setTextFormat(Qt.TextFormat.PlainText)
        words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(words)
        details = []
        if entry.goals:
            details.append(self.tr("Goals: {goals}").format(
                goals="; ".join(labels.label(g) for g in entry.goals)))
        if entry.consent_to_share is not None:
            consent = labels.label(entry.consent_to_share)
            if entry.consent_scope:
                consent += " (" + ", ".join(labels.label(s) for s in entry.consent_scope) + ")"
            details.append(self.tr("Consent to share: {consent}").format(consent=consent))
        for line in details:
            detail = QLabel(line)
            detail.setWordWrap(True)
            lay.addWidget(detail)
        foot = QHBoxLayout()
        if corrected_by is not None:
            foot.addWidget(QLabel(self.tr("Corrected by the entry of {time}.").format(
                time=london_text(corrected_by.recorded_at))))
        foot.addStretch(1)
        button = QPushButton(self.tr("Correct this entry"))
        named(button, self.tr("Correct the entry of {time}").format(
            time=london_text(entry.recorded_at)))
        button.clicked.connect(lambda: self.correct_requested.emit(entry))
        foot.addWidget(button)
        lay.addLayout(foot)
        self.buttons[entry.entry_id] = button
        return card
