"""New incident (Ctrl+N): a coordinator entering the day's incidents, or an IDVA on a joint visit.

Validation is the domain's own (``rules.parse`` over ``IncidentIn``); each problem is shown under
its field with an icon and a red border, and nothing is written until the record is valid. The
police attendance time is typed and shown in UK time (Europe/London) and stored in UTC.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, Qt, QTimeZone, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain import records as r
from fieldapp.domain.demo import is_demo_ref
from fieldapp.domain.enums import DISTRICTS, Bcu, Role
from fieldapp.domain.errors import Problem, RecordInvalid, UserFacingError
from fieldapp.domain.rules import parse
from fieldapp.services import capture
from fieldapp.services.identity import MAX_STAFF_CODE, normalise_staff_code, staff_code_problem
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.common import (
    BusyRow,
    FieldMessage,
    em,
    fit_wrapped_text,
    guarded,
    scaled_font,
    stacked,
)
from fieldapp.ui.dialogs.unlock_window import APP_TITLE
from fieldapp.ui.tasks import run_task

log = logging.getLogger(__name__)

LONDON = QTimeZone(b"Europe/London")


def save_incident(context: AppContext, incident: r.IncidentIn) -> r.CaseSummary:
    """Worker (writer queue): one incident, its case and first visit, in one transaction."""
    with context.uow() as uow:
        summary = capture.create_incident(uow=uow, incident=incident)
        uow.commit()
        return summary


def split_officers(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class TimeEdit(QDateTimeEdit):
    """Tab leaves the field (arrows move between day, month, hour...): one Tab per field."""

    def focusNextPrevChild(self, next_child: bool) -> bool:  # noqa: N802 - Qt API
        return QWidget.focusNextPrevChild(self, next_child)


class NewIncidentDialog(QDialog):
    incident_created = Signal(object)  # CaseSummary

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(APP_TITLE)
        self._context = context
        self._busy = False

        heading = QLabel(self.tr("New incident"), self)
        heading.setFont(scaled_font(self, 1.3, bold=True))
        self.police_ref = QLineEdit(self)
        self.police_ref.setMaxLength(32)
        self.bcu = QComboBox(self)
        self.bcu.setPlaceholderText(self.tr("Choose a BCU"))
        for text, code in ((self.tr("West"), Bcu.WEST), (self.tr("East"), Bcu.EAST),
                           (self.tr("South"), Bcu.SOUTH)):
            self.bcu.addItem(text, code.value)
        self.bcu.setCurrentIndex(-1)
        self.district = QComboBox(self)
        self.district.setEditable(True)
        self.district.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.district.addItems([d.title() for d in DISTRICTS])
        self.district.setCurrentIndex(-1)
        self.police_visit_at = TimeEdit(self)
        self.police_visit_at.setTimeZone(LONDON)
        self.police_visit_at.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        self.police_visit_at.setCalendarPopup(True)
        now = QDateTime.currentDateTime().toTimeZone(LONDON)
        self.police_visit_at.setDateTime(now.addSecs(-now.time().second()))
        self.officers = QLineEdit(self)
        self.officers.setPlaceholderText(self.tr("collar numbers, separated by commas"))
        self.victim_name = QLineEdit(self)
        self.victim_name.setMaxLength(120)
        self.allocated_to = QLineEdit(self)
        self.allocated_to.setMaxLength(MAX_STAFF_CODE)
        self.allocated_to.setPlaceholderText(self.tr("staff code, for example IDVA02"))
        if context.role == Role.IDVA.value:  # the staff code, never the name: it leaves the laptop
            self.allocated_to.setText(context.staff_code)

        fields = (
            ("police_ref", self.police_ref, self.tr("&Police reference")),
            ("bcu", self.bcu, self.tr("&BCU")),
            ("district", self.district, self.tr("&District")),
            ("police_visit_at", self.police_visit_at, self.tr("Police &attendance (UK time)")),
            ("officers", self.officers, self.tr("&Officers")),
            ("victim_name", self.victim_name, self.tr("&Victim's name")),
            ("allocated_to", self.allocated_to, self.tr("Allocate &to (staff code)")),
        )
        self._widgets: dict[str, QWidget] = {}
        self._labels: dict[str, str] = {}
        self._messages: dict[str, FieldMessage] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        for name, widget, label_text in fields:
            label = QLabel(label_text, self)
            label.setBuddy(widget)
            plain = label_text.replace("&", "")
            widget.setAccessibleName(plain)
            message = FieldMessage(widget, self)
            form.addRow(label, stacked(self, widget, message))
            self._widgets[name], self._labels[name], self._messages[name] = widget, plain, message
        self.district.lineEdit().setAccessibleName(self._labels["district"])

        self.busy = BusyRow(self)
        self.form_message = FieldMessage(None, self)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(self.tr("&Save incident"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setAccessibleName(self.tr("Save incident"))
        self.save_button.setDefault(True)
        self.cancel_button = buttons.addButton(self.tr("Cancel"),
                                               QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setAccessibleName(self.tr("Cancel"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(em(self, 0.4))
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.busy)
        layout.addWidget(self.form_message)
        layout.addWidget(buttons)
        order = [w for _n, w, _l in fields] + [self.save_button, self.cancel_button]
        for before, after in zip(order, order[1:], strict=False):
            self.setTabOrder(before, after)
        self.setMinimumWidth(em(self, 34))
        fit_wrapped_text(self)
        self.police_ref.setFocus()

    # ---------------------------------------------------------------- reading the form
    def _visit_time(self) -> datetime:
        seconds = self.police_visit_at.dateTime().toSecsSinceEpoch()
        return datetime.fromtimestamp(seconds, UTC)

    def form_data(self) -> dict:
        return {
            "police_ref": self.police_ref.text(),
            "bcu": self.bcu.currentData() or "",
            "district": self.district.currentText().strip().upper(),
            "police_visit_at": self._visit_time(),
            "officers": split_officers(self.officers.text()),
            "victim_name": self.victim_name.text(),
            "allocated_to": self.allocated_to.text().strip(),
        }

    def show_problems(self, problems: list[Problem]) -> None:
        for message in self._messages.values():
            message.clear_message()
        self.form_message.clear_message()
        first: QWidget | None = None
        for problem in problems:
            name = problem.field.split(".")[0]
            if name == "bcu":  # a pick list: say what to do, not what went wrong
                self._messages[name].show_message(self.tr("Choose the BCU."))
                first = first or self._widgets[name]
            elif name in self._widgets:
                text = f"{self._labels[name]} {problem.message}."
                self._messages[name].show_message(text[0].upper() + text[1:])
                first = first or self._widgets[name]
            else:
                self.form_message.show_message(problem.message)
        if first is not None:
            first.setFocus()

    def problem_text(self, name: str) -> str:
        """The message shown under field ``name`` ('' when none)."""
        return self._messages[name].text()

    # ---------------------------------------------------------------- saving
    def submit(self) -> None:
        if self._busy:
            return
        try:
            data = self.form_data()
            problems = []
            if is_demo_ref(data["police_ref"].strip().upper()):
                # The prefix marks demonstration cases, which "Remove demonstration data" takes
                # off: a real case must not carry it.
                problems.append(Problem("police_ref", self.tr(
                    "cannot start with DEMO-: that marks the fictional demonstration cases")))
            if staff_code_problem(data["allocated_to"]):
                problems.append(Problem("allocated_to", self.tr(
                    "must be a staff code such as IDVA02: letters and digits, no spaces")))
            if problems:
                raise RecordInvalid(problems)
            data["allocated_to"] = normalise_staff_code(data["allocated_to"])
            incident = parse(r.IncidentIn, data)
        except RecordInvalid as invalid:
            self.show_problems(invalid.problems)
            return
        self.show_problems([])
        self._set_busy(True)
        context = self._context
        run_task(lambda: save_incident(context, incident), on_done=guarded(self, self._saved),
                 on_error=guarded(self, self._failed), write=True)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (*self._widgets.values(), self.save_button):
            widget.setEnabled(not busy)
        if busy:
            self.busy.start(self.tr("Saving…"))
        else:
            self.busy.stop()

    def _saved(self, summary: r.CaseSummary) -> None:
        self._set_busy(False)
        self.incident_created.emit(summary)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, RecordInvalid):
            self.show_problems(exc.problems)
        elif isinstance(exc, UserFacingError):
            self.form_message.show_message(str(exc))
        else:
            log.error("incident not saved", extra={"status": type(exc).__name__})
            self.form_message.show_message(self.tr(
                "The incident could not be saved. Nothing was written; please try again."))
