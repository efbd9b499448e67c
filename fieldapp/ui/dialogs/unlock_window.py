"""Unlocking: the passphrase panel shared by the start-up window and the lock screen.

Argon2id takes about a second by design, so unlocking and opening the store run in a worker
while a busy row shows. The passphrase leaves the QLineEdit as soon as it is read, and lives
only in a ``bytearray`` that the worker overwrites after use. (The ``str`` that QLineEdit hands
us cannot be wiped; we drop it at once and keep it out of every log and message.)

Nothing here names the user or any case: the same panel is the neutral lock screen.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from fieldapp.ui.dialogs.common import (
    BusyRow,
    FieldMessage,
    Tone,
    em,
    guarded,
    scaled_font,
    set_enum_property,
)
from fieldapp.ui.icons import icon
from fieldapp.ui.tasks import run_task
from fieldapp.vault import BackoffActive, Vault, VaultLocked, VaultTampered, WrongPassphrase

if TYPE_CHECKING:
    from fieldapp.store import Store

log = logging.getLogger(__name__)

APP_TITLE = "Operation Provide"


def unlock_and_open(vault: Vault, secret: bytearray) -> Store:
    """Worker: derive the key, then key and migrate the database. Wipes ``secret``."""
    from fieldapp.store import Store  # SQLAlchemy loads here, not before the window shows

    try:
        vault.unlock(secret)
    finally:
        secret[:] = bytes(len(secret))
    try:
        return Store.open(vault)
    except BaseException:
        vault.lock()
        raise


class UnlockPanel(QWidget):
    """Passphrase field, Unlock button, busy row, wrong-passphrase message and back-off wait."""

    unlocked = Signal(object)  # the opened Store

    def __init__(self, vault: Vault, *, heading: str, intro: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._vault = vault
        self._busy = False
        self._retry_at = 0.0  # time.monotonic() when another attempt is allowed
        self._countdown = QTimer(self)
        self._countdown.setInterval(250)
        self._countdown.timeout.connect(self._update_wait)

        card = QWidget(self)
        card.setFixedWidth(em(self, 22))  # a fixed width keeps wrapped text from overlapping
        self.picture = QLabel(card)
        side = em(self, 4)
        self.picture.setPixmap(icon("lock").pixmap(QSize(side, side)))
        # Alignments by key name, not Qt.AlignmentFlag, to paint sooner: see set_enum_property.
        set_enum_property(self.picture, "alignment", "AlignHCenter")
        self.picture.setMinimumHeight(side)
        self.heading = QLabel(heading, card)
        self.heading.setFont(scaled_font(self, 1.6, bold=True))
        set_enum_property(self.heading, "alignment", "AlignHCenter")
        self.intro = QLabel(intro, card)
        self.intro.setWordWrap(True)
        set_enum_property(self.intro, "alignment", "AlignHCenter")
        prompt = QLabel(self.tr("&Passphrase"), card)
        self.passphrase = QLineEdit(card)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.passphrase.returnPressed.connect(self.attempt)
        prompt.setBuddy(self.passphrase)
        self.unlock_button = QPushButton(icon("key"), self.tr("&Unlock"), card)
        self.unlock_button.setAccessibleName(self.tr("Unlock"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.attempt)
        self.busy = BusyRow(card)
        self.message = FieldMessage(self.passphrase, card)
        self.wait_label = QLabel(card)
        self.wait_label.setWordWrap(True)
        self.wait_label.hide()

        inner = QVBoxLayout(card)
        inner.setSpacing(em(self, 0.5))
        for widget in (self.picture, self.heading, self.intro):
            inner.addWidget(widget)
        inner.addSpacing(em(self, 0.5))
        for widget in (prompt, self.passphrase, self.unlock_button, self.busy, self.message,
                       self.wait_label):
            inner.addWidget(widget)
        # Centred by stretches, not an alignment flag: an aligned widget gets its plain size
        # hint, which is too short once wrapped text (a message) needs a second line.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    # ---------------------------------------------------------------- state
    def reset(self) -> None:
        """Fresh panel for the next lock: empty field, no message, focus in the field."""
        self.passphrase.clear()
        self.message.clear_message()
        self._set_busy(False)
        self.passphrase.setFocus()

    def check_backoff(self) -> None:
        """Show a back-off left over from earlier attempts (read in a worker: it is a file)."""
        vault = self._vault
        run_task(vault.backoff_remaining, on_done=guarded(self, self._start_wait),
                 on_error=lambda _e: None)

    def is_waiting(self) -> bool:
        return time.monotonic() < self._retry_at

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.passphrase.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy and not self.is_waiting())
        if busy:
            self.busy.start(self.tr("Unlocking…"))
        else:
            self.busy.stop()

    def _start_wait(self, seconds: float) -> None:
        if seconds <= 0:
            return
        self._retry_at = max(self._retry_at, time.monotonic() + seconds)
        self._countdown.start()
        self._update_wait()

    def _update_wait(self) -> None:
        left = self._retry_at - time.monotonic()
        if left <= 0:
            self._countdown.stop()
            self.wait_label.hide()
            self.unlock_button.setEnabled(not self._busy)
            return
        self.unlock_button.setEnabled(False)
        self.wait_label.setText(self.tr("You can try again in %1 s.").replace(
            "%1", str(int(left + 0.999))))
        self.wait_label.show()

    # ---------------------------------------------------------------- unlocking
    def attempt(self) -> None:
        if self._busy or self.is_waiting():
            return
        text = self.passphrase.text()
        self.passphrase.clear()
        if not text:
            self.message.show_message(self.tr("Type your passphrase, then press Enter."),
                                      Tone.INFO)
            return
        secret = bytearray(text.encode("utf-8"))
        del text
        self.message.clear_message()
        self._set_busy(True)
        vault = self._vault
        run_task(lambda: unlock_and_open(vault, secret), on_done=guarded(self, self._opened),
                 on_error=guarded(self, self._failed))

    def _opened(self, store: Store) -> None:
        self._set_busy(False)
        self.message.clear_message()
        self.unlocked.emit(store)

    def _failed(self, exc: BaseException) -> None:
        from fieldapp.store import StoreCorrupt

        self._set_busy(False)
        if isinstance(exc, WrongPassphrase):
            self.message.show_message(self.tr("That passphrase did not unlock this laptop."))
            self._start_wait(exc.wait_seconds)
        elif isinstance(exc, BackoffActive):
            self.message.show_message(self.tr("Too many wrong passphrases in a row."))
            self._start_wait(exc.wait_seconds)
        elif isinstance(exc, VaultTampered):
            self.message.show_message(self.tr(
                "The key file on this laptop is damaged or was changed, so nothing was opened. "
                "A coordinator can recover the data at the station."))
        elif isinstance(exc, VaultLocked):
            self.message.show_message(self.tr("Unlocking was interrupted. Please try again."))
        elif isinstance(exc, StoreCorrupt):
            self.message.show_message(str(exc))  # written to be shown; holds no data
        else:
            log.error("unlock failed", extra={"status": type(exc).__name__})
            self.message.show_message(self.tr(
                "Unlocking failed. Try again; if it keeps failing, ask a coordinator."))
        self.passphrase.setFocus()


class UnlockWindow(QWidget):
    """The first window on every start after the first: unlock, then the main window opens."""

    unlocked = Signal(object)  # the opened Store
    # Once, just after the first frame is drawn: work that can wait (importing the main
    # window's modules) starts then, so that it does not compete with the first paint.
    first_painted = Signal()

    def __init__(self, vault: Vault, parent: QWidget | None = None):
        super().__init__(parent)
        self._painted = False  # first_painted sent
        self._shown_unpainted = False  # shown, and not painted since
        self.setWindowTitle(APP_TITLE)
        self.setWindowIcon(icon("lock"))
        self.panel = UnlockPanel(
            vault, heading=self.tr("Operation Provide"),
            intro=self.tr("Enter your passphrase to open the cases on this laptop."), parent=self)
        self.panel.unlocked.connect(self.unlocked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        self.resize(em(self, 36), em(self, 26))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.panel.reset()
        self._shown_unpainted = True

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        if self._shown_unpainted:
            self._shown_unpainted = False
            QTimer.singleShot(0, self, self._after_paint)  # once this frame is on screen

    def _after_paint(self) -> None:
        # The back-off is read in a worker (it is a file); started before the first paint,
        # that worker would compete with it. A wait left from earlier attempts shows a frame
        # later, before anyone can type, and the vault refuses an early attempt regardless.
        self.panel.check_backoff()
        if not self._painted:
            self._painted = True
            self.first_painted.emit()
