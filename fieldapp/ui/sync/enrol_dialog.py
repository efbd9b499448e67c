"""Enrol this laptop with the station hub: address, one-time code, and the CA fingerprint check.

The hub's station CA is fetched unauthenticated, so nothing is sent until its fingerprint is
known to be the one the hub printed: either typed in as the coordinator reads it out (it must
match), or shown here after "Check the hub" and confirmed by the person, who compares it with the
hub's screen. Everything slow runs through ``ui.tasks``; errors say what to do.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.services.sync import enrol as enrol_service
from fieldapp.services.sync import state
from fieldapp.services.sync.errors import SyncError
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.common import BusyRow, FieldMessage, Tone, em, guarded, scaled_font
from fieldapp.ui.tasks import run_task
from sync.protocol import keys

log = logging.getLogger(__name__)


def _is_enrolled(context: AppContext) -> bool:
    with context.store.uow(read_only=True) as uow:
        return state.is_enrolled(uow.dbapi())


def _words(exc: BaseException) -> str:
    if isinstance(exc, SyncError):
        text = str(exc)
        return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
    log.warning("enrolment failed", extra={"status": type(exc).__name__})
    return QCoreApplication.translate(
        "EnrolDialog", "Enrolment did not finish (%1); nothing was pinned. Try again.").replace(
        "%1", type(exc).__name__)


class EnrolDialog(QDialog):
    enrolled = Signal(object)  # enrol_service.Enrolled
    ca_checked = Signal(str)  # the fingerprint the hub offered

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Enrol with a station hub"))
        self._context = context
        self._offered: str | None = None
        self._busy = False
        self._already = False

        heading = QLabel(self.tr("Enrol this laptop with the station hub"), self)
        heading.setFont(scaled_font(self, 1.2, bold=True))
        intro = QLabel(self.tr(
            "Ask your coordinator for the hub's address, a one-time enrolment code (valid for "
            "10 minutes) and the station CA fingerprint the hub printed."), self)
        intro.setWordWrap(True)
        self.hub_url = QLineEdit(self)
        self.hub_url.setPlaceholderText("https://hub.station.local:8443")
        self.hub_url.setAccessibleName(self.tr("Hub address"))
        self.code = QLineEdit(self)
        self.code.setPlaceholderText("ABCDE-FGHIJ-KLMNO-PQRST-UVWXY")
        self.code.setAccessibleName(self.tr("Enrolment code"))
        self.fingerprint = QLineEdit(self)
        self.fingerprint.setAccessibleName(self.tr("Station CA fingerprint, as read out"))
        self.fingerprint.setPlaceholderText(self.tr("as the coordinator reads it out"))
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        for field in (self.code, self.fingerprint):
            field.setFont(mono)
        self.check_button = QPushButton(self.tr("&Check the hub"), self)
        self.check_button.setAccessibleName(self.tr("Check the hub"))
        self.offered_label = QLabel(self)
        self.offered_label.setFont(mono)
        self.offered_label.setWordWrap(True)
        self.offered_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.offered_label.setAccessibleName(self.tr("Fingerprint the hub offers"))
        self.offered_label.hide()
        self.compared = QCheckBox(self.tr("I compared this fingerprint with the one the hub "
                                          "printed, and they are the same"), self)
        self.compared.hide()
        self.replace = QCheckBox(self.tr("This laptop is already enrolled: replace its "
                                         "enrolment (only if the coordinator asks)"), self)
        self.replace.hide()
        self.message = FieldMessage(parent=self)
        self.busy = BusyRow(self)

        form = QFormLayout()
        form.addRow(self.tr("Hub &address"), self.hub_url)
        form.addRow(self.tr("Enrolment &code"), self.code)
        form.addRow(self.tr("CA &fingerprint"), self.fingerprint)
        for label, field in ((form.labelForField(self.hub_url), self.hub_url),
                             (form.labelForField(self.code), self.code),
                             (form.labelForField(self.fingerprint), self.fingerprint)):
            if isinstance(label, QLabel):
                label.setBuddy(field)
        self.buttons = QDialogButtonBox(self)
        self.enrol_button = self.buttons.addButton(self.tr("&Enrol"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.enrol_button.setAccessibleName(self.tr("Enrol"))
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        self.enrol_button.clicked.connect(self.start_enrol)
        self.check_button.clicked.connect(self.check_hub)
        self.fingerprint.textChanged.connect(lambda _t: self._compare())

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.offered_label)
        layout.addWidget(self.compared)
        layout.addWidget(self.replace)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(em(self, 34))
        run_task(lambda: _is_enrolled(context), on_done=guarded(self, self._enrolment_known))

    def _enrolment_known(self, already: bool) -> None:
        self._already = already
        self.replace.setVisible(already)

    # ---------------------------------------------------------------- steps
    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        for widget in (self.check_button, self.enrol_button, self.hub_url, self.code):
            widget.setEnabled(not busy)
        if busy:
            self.busy.start(text)
        else:
            self.busy.stop()

    def check_hub(self) -> None:
        """Fetch the station CA the hub offers and show its fingerprint (nothing is sent)."""
        url = self.hub_url.text().strip()
        if not url:
            self.message.show_message(self.tr("Type the hub's address first."))
            self.hub_url.setFocus()
            return
        self.message.clear_message()
        self._set_busy(True, self.tr("Asking the hub for its station CA…"))
        run_task(lambda: enrol_service.fetch_ca(hub_url=url)[1],
                 on_done=guarded(self, self._offered_found),
                 on_error=guarded(self, self._failed))

    def _offered_found(self, fingerprint: str) -> None:
        self._set_busy(False)
        self._offered = fingerprint
        self.offered_label.setText(self.tr("The hub offers the station CA with fingerprint:\n%1")
                                   .replace("%1", fingerprint))
        self.offered_label.show()
        self.compared.setChecked(False)
        self.compared.setVisible(not self.fingerprint.text().strip())
        self._compare()
        self.ca_checked.emit(fingerprint)

    def _compare(self) -> None:
        typed = self.fingerprint.text().strip()
        if self._offered is None or not typed:
            self.compared.setVisible(self._offered is not None and not typed)
            return
        self.compared.hide()
        if keys.normalise_fingerprint(typed) == keys.normalise_fingerprint(self._offered):
            self.message.show_message(self.tr("The fingerprints match."), Tone.OK)
        else:
            self.message.show_message(self.tr(
                "The fingerprint you typed is not the one this hub offers: check the address "
                "and the fingerprint with your coordinator. Nothing was sent."))

    def start_enrol(self) -> None:
        if self._busy:
            return
        url, code = self.hub_url.text().strip(), self.code.text().strip()
        typed = self.fingerprint.text().strip() or None
        if not url or not code:
            self.message.show_message(self.tr("The hub address and the enrolment code are "
                                              "both needed."))
            (self.hub_url if not url else self.code).setFocus()
            return
        if typed is None and not (self._offered and self.compared.isChecked()):
            self.message.show_message(self.tr(
                "Type the CA fingerprint as the coordinator reads it out, or press Check the "
                "hub and confirm the fingerprint shown is the one the hub printed."))
            self.fingerprint.setFocus()
            return
        if self._already and not self.replace.isChecked():
            self.message.show_message(self.tr(
                "This laptop is already enrolled. Tick the box to replace its enrolment, only "
                "if your coordinator asked you to."))
            return
        offered, store, force = self._offered, self._context.store, self._already
        label = self._context.role
        self.message.clear_message()
        self._set_busy(True, self.tr("Enrolling…"))
        run_task(lambda: enrol_service.enrol(
            store=store, hub_url=url, code=code, ca_fingerprint=typed, label=label, force=force,
            confirm_fingerprint=lambda fp: offered is not None and fp == offered),
            on_done=guarded(self, self._enrolled), on_error=guarded(self, self._failed),
            write=True)

    def _enrolled(self, result: enrol_service.Enrolled) -> None:
        self._set_busy(False)
        log.info("enrolled from the app", extra={"device_id": result.device_id})
        self.enrolled.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.message.show_message(_words(exc))
