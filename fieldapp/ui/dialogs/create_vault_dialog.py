"""First run: set up the encrypted vault on this laptop, on one calm page.

Your name (kept only inside the encrypted database) and, optionally, your staff code (what your
cases are allocated to; never the name), your role, a passphrase typed twice (the rule is shown before typing, and checked
as you type), what happens if the passphrase is forgotten, and an offer of fictional cases to
try the board with. Creating the vault (Argon2id) and the demonstration data run in the writer
worker while a busy row says what is happening.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.enums import Role
from fieldapp.services import demo, identity
from fieldapp.store import Store
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.common import (
    BusyRow,
    FieldMessage,
    Tone,
    centred_column,
    em,
    fit_wrapped_text,
    guarded,
    keep_to_its_text,
    scaled_font,
    stacked,
)
from fieldapp.ui.dialogs.unlock_window import APP_TITLE
from fieldapp.ui.icons import icon
from fieldapp.ui.tasks import run_task
from fieldapp.vault import RecoveryKeyError, Vault, VaultError, WeakPassphrase, passphrase_problem

log = logging.getLogger(__name__)

DEMO_CASES = 100  # enough for a lifelike board; about ten seconds to write
MAX_USER_CHARS = 120  # a name; it stays inside the encrypted database


def create_vault(folder: Path, secret: bytearray, *, user: str, role: str,
                 recovery_pem: Path | None, demo_cases: int, staff_code: str = "") -> AppContext:
    """Worker: make the vault, open its store, record the staff code and, if asked, add
    fictional cases ("yours" allocated to the staff code)."""
    try:
        pem = recovery_pem.read_bytes() if recovery_pem else None
        vault = Vault.create(folder, passphrase=secret, user=user, role=role,
                             recovery_public_pem=pem)
    finally:
        secret[:] = bytes(len(secret))
    store = Store.open(vault)
    if staff_code:
        with store.uow() as uow:
            identity.set_own_staff_code(uow=uow, code=staff_code)
            uow.commit()
    if demo_cases:
        with store.uow() as uow:
            demo.fill_demo(uow=uow, cases=demo_cases, me=identity.normalise_staff_code(staff_code)
                           or None)
    return AppContext(vault=vault, store=store)


class CreateVaultDialog(QDialog):
    vault_ready = Signal(object)  # AppContext, unlocked

    def __init__(self, folder: Path, parent: QWidget | None = None, *,
                 demo_cases: int = DEMO_CASES):
        super().__init__(parent)
        self.setWindowTitle(APP_TITLE)
        self._folder = folder
        self._demo_cases = demo_cases
        self._recovery_pem: Path | None = None
        self._busy = False

        heading = QLabel(self.tr("Set up Operation Provide on this laptop"), self)
        heading.setFont(scaled_font(self, 1.4, bold=True))
        intro = QLabel(self.tr("Everything you record is kept encrypted on this laptop. "
                               "This takes a minute, once."), self)
        intro.setWordWrap(True)

        self.user = QLineEdit(self)
        self.user.setAccessibleName(self.tr("Your name"))
        self.user.setMaxLength(MAX_USER_CHARS)
        self.user_message = FieldMessage(self.user, self)
        self.staff_code = QLineEdit(self)
        self.staff_code.setAccessibleName(self.tr("Your staff code (optional)"))
        self.staff_code.setMaxLength(identity.MAX_STAFF_CODE)
        self.staff_code.setPlaceholderText(self.tr("for example IDVA01"))
        self.staff_code_message = FieldMessage(self.staff_code, self)
        self.role = QComboBox(self)
        self.role.setAccessibleName(self.tr("Role"))
        for text, role in ((self.tr("IDVA"), Role.IDVA), (self.tr("Supervisor"), Role.SUPERVISOR),
                           (self.tr("Coordinator"), Role.COORDINATOR)):
            self.role.addItem(text, role.value)

        rule = QLabel(self.tr(
            "Choose a passphrase of at least 12 characters: a short sentence or a few unrelated "
            "words is easiest to remember. Numbers alone and repeated characters are refused."),
            self)
        rule.setWordWrap(True)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.passphrase.setAccessibleDescription(rule.text())
        self.passphrase.textChanged.connect(self._check_strength)
        self.passphrase_message = FieldMessage(self.passphrase, self)
        self.confirm = QLineEdit(self)
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setAccessibleName(self.tr("Passphrase again"))
        self.confirm.textChanged.connect(self._check_match)
        self.confirm_message = FieldMessage(self.confirm, self)
        self.show_passphrase = QCheckBox(self.tr("Show the passphrase while typing"), self)
        self.show_passphrase.setAccessibleName(self.tr("Show the passphrase while typing"))
        self.show_passphrase.toggled.connect(self._toggle_echo)

        self.recovery_status = QLabel(self)
        self.recovery_status.setWordWrap(True)
        self.choose_key = QPushButton(icon("key"), self.tr("Choose a recovery key file…"), self)
        self.choose_key.setAccessibleName(self.tr("Choose a recovery key file"))
        self.choose_key.clicked.connect(self._choose_recovery_key)
        self.recovery_message = FieldMessage(self.choose_key, self)
        self.demo = QCheckBox(self.tr("Start with demonstration data (fictional cases to try "
                                      "the board with)"), self)
        self.demo.setAccessibleName(self.tr("Start with demonstration data"))
        for box in (self.demo, self.show_passphrase):
            keep_to_its_text(box)

        self.busy = BusyRow(self)
        self.form_message = FieldMessage(None, self)
        buttons = QDialogButtonBox(self)
        self.create_button = buttons.addButton(self.tr("&Create and open"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setAccessibleName(self.tr("Create and open"))
        self.create_button.setDefault(True)
        self.quit_button = buttons.addButton(self.tr("&Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        self.quit_button.setAccessibleName(self.tr("Quit"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)

        name_hint = self._hint(self.tr("Kept only inside the encrypted vault: the record of who "
                                       "did what."))
        hint = self._hint(self.tr("Cases allocated to this code appear as yours, and outputs "
                                  "name you by it. Leave it empty if you have none yet; "
                                  "Settings can add it later."))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.addRow(self._label(self.tr("Your &name"), self.user),
                    stacked(self, self.user, self.user_message, name_hint))
        form.addRow(self._label(self.tr("&Staff code"), self.staff_code),
                    stacked(self, self.staff_code, self.staff_code_message, hint))
        form.addRow(self._label(self.tr("&Role"), self.role), self.role)
        form.addRow(self._section(self.tr("Passphrase")))
        form.addRow(rule)
        form.addRow(self._label(self.tr("&Passphrase"), self.passphrase),
                    stacked(self, self.passphrase, self.passphrase_message))
        form.addRow(self._label(self.tr("&Again"), self.confirm),
                    stacked(self, self.confirm, self.confirm_message, self.show_passphrase))
        form.addRow(self._section(self.tr("If the passphrase is forgotten")))
        form.addRow(self.recovery_status)
        key_row = QHBoxLayout()
        key_row.addWidget(self.choose_key)
        key_row.addStretch(1)
        form.addRow(key_row)
        form.addRow(self.recovery_message)
        form.addRow(self._section(self.tr("Getting started")))
        form.addRow(self.demo)

        column = QWidget(self)
        inner = QVBoxLayout(column)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(em(self, 0.6))
        inner.addWidget(heading)
        inner.addWidget(intro)
        inner.addLayout(form)
        inner.addWidget(self.busy)
        inner.addWidget(self.form_message)
        inner.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(centred_column(self, column, 40))
        layout.addStretch(2)
        self._show_recovery_status()
        self.setMinimumWidth(em(self, 34))
        fit_wrapped_text(self)
        for before, after in ((self.user, self.staff_code), (self.staff_code, self.role),
                              (self.role, self.passphrase), (self.passphrase, self.confirm),
                              (self.confirm, self.show_passphrase),
                              (self.show_passphrase, self.choose_key),
                              (self.choose_key, self.demo), (self.demo, self.create_button),
                              (self.create_button, self.quit_button)):
            self.setTabOrder(before, after)
        self.user.setFocus()

    # ---------------------------------------------------------------- layout helpers
    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    def _hint(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)
        label.setStyleSheet("color: #4f5b64;")  # quieter than body text, still 6:1 contrast
        return label

    def _section(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setFont(scaled_font(self, 1.1, bold=True))
        return label

    # ---------------------------------------------------------------- live feedback
    def _toggle_echo(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.passphrase.setEchoMode(mode)
        self.confirm.setEchoMode(mode)

    def _problem(self) -> str | None:
        secret = bytearray(self.passphrase.text().encode("utf-8"))
        try:
            return passphrase_problem(secret)
        finally:
            secret[:] = bytes(len(secret))

    def _check_strength(self, *_args, strict: bool = False) -> bool:
        if not self.passphrase.text() and not strict:
            self.passphrase_message.clear_message()
            return False
        problem = self._problem()
        if problem:
            self.passphrase_message.show_message(problem, Tone.ERROR if strict else Tone.INFO)
            return False
        self.passphrase_message.show_message(self.tr("Long enough and hard to guess."), Tone.OK)
        if self.confirm.text():
            self._check_match()
        return True

    def _check_match(self, *_args, strict: bool = False) -> bool:
        typed = self.confirm.text()
        if not typed and not strict:
            self.confirm_message.clear_message()
            return False
        if typed != self.passphrase.text():
            self.confirm_message.show_message(self.tr("The two passphrases are not the same."),
                                              Tone.ERROR if strict else Tone.INFO)
            return False
        self.confirm_message.show_message(self.tr("The two passphrases match."), Tone.OK)
        return True

    # ---------------------------------------------------------------- recovery key
    def _show_recovery_status(self) -> None:
        if self._recovery_pem is None:
            self.recovery_status.setText(self.tr(
                "No recovery key was supplied: if you forget this passphrase, unsynced work on "
                "this laptop cannot be recovered. If your coordinator gave you a recovery key "
                "file (.pem), choose it here."))
            self.choose_key.setText(self.tr("Choose a recovery key file…"))
        else:
            self.recovery_status.setText(self.tr(
                "Recovery key chosen (%1): a coordinator holding the organisation's recovery key "
                "can reopen this laptop's data if the passphrase is forgotten.").replace(
                    "%1", self._recovery_pem.name))
            self.choose_key.setText(self.tr("Choose a different recovery key file…"))

    def _choose_recovery_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Recovery public key"), "",
            self.tr("Recovery public key (*.pem);;All files (*)"))
        if path:
            self.set_recovery_key(Path(path))

    def set_recovery_key(self, path: Path | None) -> None:
        self._recovery_pem = path
        self.recovery_message.clear_message()
        self._show_recovery_status()

    # ---------------------------------------------------------------- create
    def submit(self) -> None:
        if self._busy:
            return
        self.form_message.clear_message()
        user = self.user.text().strip()
        first_bad: QWidget | None = None
        if not user:
            self.user_message.show_message(self.tr("Your name is required."))
            first_bad = self.user
        else:
            self.user_message.clear_message()
        staff_code = self.staff_code.text().strip()
        code_problem = identity.staff_code_problem(staff_code)
        if code_problem:
            self.staff_code_message.show_message(code_problem)
            first_bad = first_bad or self.staff_code
        else:
            self.staff_code_message.clear_message()
        if not self._check_strength(strict=True):
            first_bad = first_bad or self.passphrase
        elif not self._check_match(strict=True):
            first_bad = first_bad or self.confirm
        if first_bad is not None:
            first_bad.setFocus()
            return
        secret = bytearray(self.passphrase.text().encode("utf-8"))
        self.passphrase.clear()
        self.confirm.clear()
        self.passphrase_message.clear_message()
        self.confirm_message.clear_message()
        self._set_busy(True)
        folder, role, pem = self._folder, self.role.currentData(), self._recovery_pem
        demo_cases = self._demo_cases if self.demo.isChecked() else 0
        run_task(lambda: create_vault(folder, secret, user=user, role=role, recovery_pem=pem,
                                      demo_cases=demo_cases, staff_code=staff_code),
                 on_done=guarded(self, self._created), on_error=guarded(self, self._failed),
                 write=True)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.user, self.staff_code, self.role, self.passphrase, self.confirm, self.choose_key,
                       self.demo, self.create_button, self.show_passphrase):
            widget.setEnabled(not busy)
        if not busy:
            self.busy.stop()
        elif self.demo.isChecked():
            self.busy.start(self.tr("Creating the encrypted vault and adding demonstration "
                                    "cases; this takes a few seconds…"))
        else:
            self.busy.start(self.tr("Creating the encrypted vault…"))

    def _created(self, context: AppContext) -> None:
        self._set_busy(False)
        self.vault_ready.emit(context)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, WeakPassphrase):
            self.passphrase_message.show_message(str(exc))
            self.passphrase.setFocus()
        elif isinstance(exc, RecoveryKeyError | OSError):
            self.set_recovery_key(None)
            self.recovery_message.show_message(self.tr(
                "That recovery key file could not be used, so no vault was created. Choose the "
                ".pem file your coordinator gave you, or continue without one."))
            self.passphrase.setFocus()
        elif isinstance(exc, VaultError):
            self.form_message.show_message(str(exc))  # vault messages are written to be shown
        else:
            log.error("vault creation failed", extra={"status": type(exc).__name__})
            self.form_message.show_message(self.tr(
                "The vault could not be created. Nothing was saved; please try again."))
