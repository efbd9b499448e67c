"""Autosave: every change reaches the encrypted database within about two seconds.

Changes restart an 800 ms quiet-period timer, but never past 1.5 s from the first unsaved
change, so steady typing is still saved. Writes go to the single writer thread in order, so an
older draft can never land after a newer one, and the page's Save (queued behind them) drops
the draft in its own transaction. :meth:`flush_now` is the one synchronous write, for lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from fieldapp.domain.clock import utc_now
from fieldapp.ui import tasks
from fieldapp.ui.context import AppContext
from fieldapp.ui.pages.case_page import io

DEBOUNCE_MS = 800
MAX_WAIT_MS = 1500


class DraftKeeper(QObject):
    draft_saved = Signal(object)  # datetime (UTC) of the saved draft
    draft_failed = Signal(object)  # the exception

    def __init__(self, context: AppContext, key: str, snapshot: Callable[[], dict[str, Any]],
                 parent: QObject | None = None):
        super().__init__(parent)
        self._context = context
        self.key = key
        self._snapshot = snapshot
        self._first_change: float | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.save_now)
        self.in_flight = 0
        self.changed_since_write = False

    @property
    def pending(self) -> bool:
        return self._timer.isActive()

    def touch(self) -> None:
        """Something changed: schedule a save (debounced, with a ceiling)."""
        self.changed_since_write = True
        now = time.monotonic()
        if self._first_change is None:
            self._first_change = now
        waited_ms = (now - self._first_change) * 1000
        self._timer.start(int(max(0, min(DEBOUNCE_MS, MAX_WAIT_MS - waited_ms))))

    def cancel(self) -> None:
        """Stop the timer (the page's Save, queued behind earlier writes, drops the draft)."""
        self._timer.stop()
        self._first_change = None

    def payload(self) -> dict[str, Any]:
        saved_at = utc_now()
        return {"format": io.DRAFT_FORMAT, "saved_at": saved_at.isoformat(),
                "sections": self._snapshot()}

    def save_now(self) -> None:
        """Queue a write of the current state on the writer thread."""
        self.cancel()
        self.changed_since_write = False
        payload = self.payload()
        saved_at = datetime.fromisoformat(payload["saved_at"])
        context, key = self._context, self.key
        self.in_flight += 1

        def done(_result: object) -> None:
            if shiboken6.isValid(self):
                self.in_flight -= 1
                self.draft_saved.emit(saved_at)

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self):
                self.in_flight -= 1
                self.draft_failed.emit(exc)

        tasks.run_task(lambda: io.write_draft(context, key, payload), on_done=done,
                       on_error=failed, write=True)

    def flush_now(self, wait_ms: int = 5_000) -> None:
        """Write the current state on the calling thread, after queued writes have finished
        (called just before lock, when the engine is about to be disposed)."""
        self.cancel()
        tasks.writer_pool().waitForDone(wait_ms)
        io.write_draft(self._context, self.key, self.payload())
        self.changed_since_write = False
