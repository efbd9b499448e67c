"""Devices (coordinators): make an enrolment code, list the station's laptops, revoke one.

Every action is a signed call to the hub (``services.sync.admin``) made in a worker; the hub
refuses anyone but a coordinator's laptop, and this page says so in the hub's words. Revoking
needs a reason, which the hub keeps in its audit log; the laptop is wiped at its next sync.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.enums import Bcu
from fieldapp.services.sync import admin
from fieldapp.services.sync.errors import Revoked, SyncError
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.common import BusyRow, FieldMessage, Tone, em, guarded, scaled_font
from fieldapp.ui.sync import words
from fieldapp.ui.tasks import run_task
from fieldapp.ui.widgets.tables import read_only_table

COLUMNS = ("Device", "User", "Role", "Staff code", "BCU", "State", "Last sync", "Enrolled")
ROLES = (("IDVA", "idva"), ("Supervisor", "supervisor"), ("Coordinator", "coordinator"))


def _error_words(exc: BaseException) -> str:
    if isinstance(exc, SyncError):
        text = str(exc)
        return text[:1].upper() + text[1:]
    return f"That did not work ({type(exc).__name__}); nothing was changed. Try again."


class DevicesPage(QWidget):
    closed = Signal()
    code_made = Signal(object)  # admin.IssuedCode
    devices_loaded = Signal(int)
    device_revoked = Signal(str)  # device id
    vault_wiped = Signal()  # this laptop was revoked and wiped on the hub's order

    def __init__(self, context: AppContext, parent: QWidget | None = None, *, load: bool = True):
        super().__init__(parent)
        self._context = context
        self._rows: list[admin.DeviceRow] = []
        self._busy = False
        title = QLabel(self.tr("Devices"), self)
        title.setFont(scaled_font(self, 1.4, bold=True))
        self.back = QPushButton(self.tr("&Back to the board"), self)
        self.back.clicked.connect(self.closed.emit)

        # -- make a code
        self.user = QLineEdit(self)
        self.user.setAccessibleName(self.tr("User's name"))
        self.role = QComboBox(self)
        self.role.setAccessibleName(self.tr("Role"))
        for text, value in ROLES:
            self.role.addItem(self.tr(text), value)
        self.staff_code = QLineEdit(self)
        self.staff_code.setAccessibleName(self.tr("Staff code"))
        self.staff_code.setPlaceholderText("IDVA01")
        self.bcu = QComboBox(self)
        self.bcu.setAccessibleName(self.tr("BCU"))
        self.bcu.addItem(self.tr("Any BCU"), "")
        for bcu in Bcu:
            self.bcu.addItem(bcu.value.title(), bcu.value)
        self.make_button = QPushButton(self.tr("&Make enrolment code"), self)
        self.make_button.clicked.connect(self.make_code)
        self.code_label = QLabel(self)
        self.code_label.setObjectName("enrolmentCode")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(mono.pointSizeF() * 1.5)
        self.code_label.setFont(mono)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.hide()
        self.code_note = QLabel(self)
        self.code_note.setWordWrap(True)
        self.code_note.hide()
        code_box = QGroupBox(self.tr("New laptop"), self)
        form = QFormLayout(code_box)
        form.addRow(self.tr("&Name"), self.user)
        form.addRow(self.tr("&Role"), self.role)
        form.addRow(self.tr("&Staff code"), self.staff_code)
        form.addRow(self.tr("B&CU"), self.bcu)
        form.addRow("", self.make_button)
        form.addRow("", self.code_label)
        form.addRow("", self.code_note)

        # -- the list
        self.table = read_only_table(self, [self.tr(c) for c in COLUMNS], self.tr("Enrolled devices"))
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.refresh_button = QPushButton(self.tr("R&efresh list"), self)
        self.refresh_button.clicked.connect(self.load_devices)
        self.reason = QLineEdit(self)
        self.reason.setAccessibleName(self.tr("Reason for revoking"))
        self.reason.setPlaceholderText(self.tr("Reason (required), e.g. laptop lost"))
        self.reason.textChanged.connect(lambda _t: self._selection_changed())
        self.revoke_button = QPushButton(self.tr("Re&voke selected device"), self)
        self.revoke_button.setEnabled(False)
        self.revoke_button.clicked.connect(self.revoke_selected)
        revoke_row = QHBoxLayout()
        revoke_row.addWidget(self.refresh_button)
        revoke_row.addStretch(1)
        revoke_row.addWidget(self.reason, 2)
        revoke_row.addWidget(self.revoke_button)
        list_box = QGroupBox(self.tr("The station's laptops"), self)
        list_layout = QVBoxLayout(list_box)
        list_layout.addWidget(self.table, 1)
        list_layout.addLayout(revoke_row)

        self.message = FieldMessage(parent=self)
        self.busy = BusyRow(self)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.back)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        body = QHBoxLayout()
        code_box.setMaximumWidth(em(self, 24))
        body.addWidget(code_box, 0, Qt.AlignmentFlag.AlignTop)
        body.addWidget(list_box, 1)
        layout.addLayout(body, 1)
        if load:
            self.load_devices()

    # ---------------------------------------------------------------- helpers
    def _run(self, text: str, fn, on_done) -> None:  # noqa: ANN001
        self._busy = True
        for button in (self.make_button, self.refresh_button, self.revoke_button):
            button.setEnabled(False)
        self.busy.start(text)
        run_task(fn, on_done=guarded(self, lambda r: self._done(on_done, r)),
                 on_error=guarded(self, self._failed))

    def _done(self, on_done, result) -> None:  # noqa: ANN001
        self._idle()
        on_done(result)

    def _idle(self) -> None:
        self._busy = False
        self.busy.stop()
        self.make_button.setEnabled(True)
        self.refresh_button.setEnabled(True)
        self._selection_changed()

    def _failed(self, exc: BaseException) -> None:
        self._idle()
        if isinstance(exc, Revoked):  # the vault is gone: the window hands over to first run
            self.vault_wiped.emit()
            return
        self.message.show_message(_error_words(exc))

    # ---------------------------------------------------------------- codes
    def make_code(self) -> None:
        user, staff = self.user.text().strip(), self.staff_code.text().strip().upper()
        role, bcu = self.role.currentData(), self.bcu.currentData()
        if not user:
            self.message.show_message(self.tr("Type the name of the person the laptop is for."))
            self.user.setFocus()
            return
        if role == "idva" and not staff:
            self.message.show_message(self.tr(
                "An IDVA's laptop needs their staff code: it receives the cases allocated to it."))
            self.staff_code.setFocus()
            return
        self.message.clear_message()
        ctx = self._context
        self._run(self.tr("Asking the hub for a code…"),
                  lambda: admin.make_enrolment_code(vault=ctx.vault, store=ctx.store, user=user,
                                                    role=role, staff_code=staff, bcu=bcu),
                  self._code_arrived)

    def _code_arrived(self, issued: admin.IssuedCode) -> None:
        self.code_label.setText(issued.code)
        self.code_label.show()
        until = issued.expires_at.astimezone().strftime("%H:%M")
        self.code_note.setText(self.tr(
            "Type this code into the new laptop's Enrol window before %1 (it works once). "
            "Read out the station CA fingerprint the hub printed with it.").replace("%1", until))
        self.code_note.show()
        self.code_made.emit(issued)
        self.load_devices()

    # ---------------------------------------------------------------- list and revoke
    def load_devices(self) -> None:
        ctx = self._context
        self._run(self.tr("Reading the station's devices…"),
                  lambda: admin.list_devices(vault=ctx.vault, store=ctx.store), self.show_devices)

    def show_devices(self, rows: list[admin.DeviceRow],
                     now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        self._rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            state = self.tr("Active") if row.active else self.tr("Revoked: %1").replace(
                "%1", row.revoked_reason or "")
            last = words.ago(row.last_seen, now) if row.last_seen else self.tr("never")
            enrolled = row.enrolled_at.astimezone().strftime("%d %b %Y") if row.enrolled_at else ""
            cells = (row.device_id, row.user, self._role_word(row.role), row.staff_code,
                     row.bcu.title(),
                     state, last, enrolled)
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self._selection_changed()
        self.devices_loaded.emit(len(rows))

    def _role_word(self, role: str) -> str:
        return {"idva": self.tr("IDVA"), "supervisor": self.tr("Supervisor"),
                "coordinator": self.tr("Coordinator")}.get(role, role)

    def selected_device(self) -> admin.DeviceRow | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self._rows[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        device = self.selected_device()
        self.revoke_button.setEnabled(not self._busy and device is not None and device.active
                                      and bool(self.reason.text().strip()))

    def revoke_selected(self) -> None:
        device, reason = self.selected_device(), self.reason.text().strip()
        if device is None or not reason:
            self.message.show_message(self.tr("Choose a device and give the reason for revoking "
                                              "it; the hub keeps it in its audit log."))
            return
        ctx, device_id = self._context, device.device_id
        self._run(self.tr("Revoking…"),
                  lambda: admin.revoke_device(vault=ctx.vault, store=ctx.store,
                                              device_id=device_id, reason=reason),
                  lambda _r: self._revoked(device_id))

    def _revoked(self, device_id: str) -> None:
        self.reason.clear()
        self.message.show_message(self.tr(
            "Revoked. That laptop is wiped the next time it syncs."), Tone.OK)
        self.device_revoked.emit(device_id)
        self.load_devices()
