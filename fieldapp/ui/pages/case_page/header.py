"""Who and what the case is, and where it stands against the 24-hour mark (in words)."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from fieldapp.domain import records as r
from fieldapp.domain.clock import deadline, hours_between, time_left
from fieldapp.domain.enums import ClockState
from fieldapp.ui import labels
from fieldapp.ui.widgets import london_text


def _span(hours_minutes: float) -> str:
    minutes = int(abs(hours_minutes) * 60)
    hours, mins = divmod(minutes, 60)
    return f"{hours} h {mins:02d} m" if hours else f"{mins} m"


class CaseHeader(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.title = QLabel(self.tr("Opening case\u2026"))
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.title.setFont(font)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.clock = QLabel()
        self.clock.setStyleSheet("font-weight: 600;")
        self.mode = QLabel()
        for label in (self.title, self.details, self.clock, self.mode):
            lay.addWidget(label)
        self.mode.hide()

    def show_case(self, case: r.CaseOut, amending: r.VisitOut | None) -> None:
        name = f" \u2014 {case.victim_name}" if case.victim_name else ""
        self.title.setText(f"{case.pseudonym}{name}")
        parts = [
            self.tr("Police ref {ref}").format(ref=case.police_ref),
            labels.label(case.bcu) + (f", {labels.label(case.district)}" if case.district else ""),
            self.tr("Police visit {time}").format(time=london_text(case.police_visit_at)),
        ]
        if case.officers:
            parts.append(self.tr("Officers {ids}").format(ids=", ".join(case.officers)))
        self.details.setText("  \u00b7  ".join(parts))
        self.clock.setText(self.clock_text(case))
        if amending is not None and amending.idva_visit_at is not None:
            self.mode.setText(self.tr(
                "Amending the visit recorded for {time}. Saving asks for a short reason."
            ).format(time=london_text(amending.idva_visit_at)))
            self.mode.show()
        else:
            self.mode.hide()

    def clock_text(self, case: r.CaseOut) -> str:
        state = case.clock()
        first = case.first_visit
        due = london_text(deadline(case.police_visit_at))
        if state in (ClockState.MET, ClockState.MISSED) and first and first.idva_visit_at:
            took = _span(hours_between(case.police_visit_at, first.idva_visit_at))
            if state is ClockState.MET:
                return self.tr("\u2714 Visited within 24 hours ({took} after the police visit)"
                               ).format(took=took)
            return self.tr("Visited after the 24-hour mark ({took} after the police visit)"
                           ).format(took=took)
        left = time_left(case.police_visit_at).total_seconds() / 3600
        if state is ClockState.OVERDUE:
            return self.tr("\u26a0 Overdue by {span}: the 24-hour mark was {due}").format(
                span=_span(left), due=due)
        return self.tr("{span} left to the 24-hour mark ({due})").format(span=_span(left), due=due)
