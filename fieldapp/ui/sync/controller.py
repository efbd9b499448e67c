"""Sync inside the app: one object (no widgets) that decides when to sync and says how it went.

- On demand (the toolbar's Sync button, Ctrl+Shift+S), a few seconds after each save (the timer
  restarts with every save, so a burst of saves is one sync), and every few minutes while the hub
  answers; when it does not, the interval doubles up to half an hour, and the first sync that
  works puts it back.
- Never two at once: a request while one runs is remembered and runs once it ends.
- Through ``ui.tasks.run_task`` (never on the UI thread). ``sync_now`` runs on the shared pool,
  not the single writer queue, so a save never waits behind a slow network; the sync's own
  transactions are short and SQLite's busy timeout orders them with the saves.
- Cancel (the button, or a lock) refuses the sync's next request (ui/sync/transport.py): each
  step the services take commits whole, so what was applied is complete and the rest waits.
- A verified wipe order (the hub revoked this laptop) is carried out by ``sync_now``; then
  :attr:`vault_wiped` tells the window to show a neutral message and the first-run screen.

Signals are past tense; the status line is built from plain values (ui/sync/words.py).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal

from fieldapp.services.sync import errors, state
from fieldapp.services.sync.report import SyncReport
from fieldapp.services.sync.run import load_enrolment, sync_now
from fieldapp.services.sync.status import SyncStatus, sync_status
from fieldapp.ui import tasks
from fieldapp.ui.context import AppContext
from fieldapp.ui.sync import words
from fieldapp.ui.sync.transport import SyncCancelled, hub_transport

log = logging.getLogger(__name__)

DEBOUNCE_MS = 5_000
PERIOD_MS = 3 * 60_000
MAX_PERIOD_MS = 30 * 60_000
WORDS_REFRESH_MS = 30_000


@dataclass(frozen=True)
class SyncState:
    """What the status line is made from (read in a worker)."""

    status: SyncStatus
    role: str = ""
    conflicts: int = 0


def read_state(context: AppContext) -> SyncState:
    status = sync_status(store=context.store)
    role = ""
    if status.enrolled:
        with context.store.uow(read_only=True) as uow:
            role = state.get(uow.dbapi(), state.ROLE, "") or ""
    return SyncState(status=status, role=role, conflicts=_conflict_count(context))


def _conflict_count(context: AppContext) -> int:
    try:
        from fieldapp.services.sync import conflicts
    except ImportError:  # conflict detection not in this build
        return 0
    try:
        return len(conflicts.conflicted_case_ids(store=context.store))
    except Exception:  # noqa: BLE001 - the count is a hint; never break the status line
        log.warning("could not count conflicts")
        return 0


def run_sync(context: AppContext, cancelled: threading.Event,
             on_request=None) -> SyncReport:  # noqa: ANN001 - callable(method, path)
    """The worker's function: one ``sync_now`` through a cancellable transport."""
    enrolment = load_enrolment(store=context.store)
    transport = hub_transport(hub_url=enrolment.hub_url, ca_pem=enrolment.ca_pem,
                              cancelled=cancelled, on_request=on_request)
    return sync_now(vault=context.vault, store=context.store, transport=transport)


class _Relay(QObject):
    """Carries progress notes from the worker to the UI thread (queued signal)."""

    requested = Signal(str, str)


class SyncController(QObject):
    sync_started = Signal()
    sync_finished = Signal(object)  # SyncReport
    sync_failed = Signal(str)  # words for the person
    sync_cancelled = Signal()
    progressed = Signal(str)
    status_changed = Signal(str)
    role_found = Signal(str)  # the enrolment role ("" when not enrolled)
    vault_wiped = Signal(str)  # the neutral message to show

    def __init__(self, parent: QObject | None = None, *, debounce_ms: int = DEBOUNCE_MS,
                 period_ms: int = PERIOD_MS, max_period_ms: int = MAX_PERIOD_MS,
                 clock=lambda: datetime.now(UTC)):  # noqa: ANN001
        super().__init__(parent)
        self._context: AppContext | None = None
        self._clock = clock
        self._period_ms = period_ms
        self._max_period_ms = max_period_ms
        self._failures = 0
        self._running = False
        self._again = False
        self._cancelled = threading.Event()
        self._state: SyncState | None = None
        self._last_good_at: datetime | None = None  # the last sync that finished
        self._problem: str | None = None
        self._clock_warning: str | None = None
        self._steps = {"POST": 0, "GET": 0}
        self._relay = _Relay(self)
        self._relay.requested.connect(self._request_seen)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(debounce_ms)
        self.debounce.timeout.connect(lambda: self.sync_now("after a save"))
        self.periodic = QTimer(self)
        self.periodic.setSingleShot(True)
        self.periodic.timeout.connect(lambda: self.sync_now("periodic"))
        self._words_timer = QTimer(self)
        self._words_timer.setInterval(WORDS_REFRESH_MS)
        self._words_timer.timeout.connect(self._emit_status)

    # ---------------------------------------------------------------- life cycle
    def attach(self, context: AppContext) -> None:
        """Start with an unlocked vault: read the state, then sync on the schedule."""
        self._context = context
        self._cancelled.clear()
        self._words_timer.start()
        self.refresh_status(then_schedule=True)

    def stop(self) -> None:
        """On lock: cancel a running sync before its next step and forget the vault. The lock
        then waits for the worker (``tasks.wait_for_all``) before the store closes."""
        self._context = None
        self._cancelled.set()
        self._again = False
        for timer in (self.debounce, self.periodic, self._words_timer):
            timer.stop()

    @property
    def running(self) -> bool:
        return self._running

    @property
    def enrolled(self) -> bool:
        return self._state is not None and self._state.status.enrolled

    @property
    def role(self) -> str:
        return self._state.role if self._state is not None else ""

    def interval_ms(self) -> int:
        """The periodic interval now (doubling while the hub does not answer)."""
        return min(self._max_period_ms, self._period_ms * 2 ** self._failures)

    # ---------------------------------------------------------------- triggers
    def changes_saved(self) -> None:
        """A save committed: sync a few seconds later (restarted by every save)."""
        if self._context is not None and self.enrolled:
            self.debounce.start()
            self.refresh_status()

    def sync_now(self, reason: str = "on demand") -> bool:
        """Start a sync now; False if not enrolled or locked. While one runs, one more is
        queued for when it ends (its answer may miss the changes saved meanwhile)."""
        context = self._context
        if context is None or not self.enrolled:
            return False
        if self._running:
            self._again = True
            return True
        self.debounce.stop()
        self.periodic.stop()
        self._running = True
        self._again = False
        self._cancelled.clear()
        self._steps = {"POST": 0, "GET": 0}
        log.info("sync started", extra={"status": reason})
        self.sync_started.emit()
        self._emit_status()
        cancelled, relay = self._cancelled, self._relay
        tasks.run_task(lambda: run_sync(context, cancelled, relay.requested.emit),
                       on_done=self._finished, on_error=self._failed)
        return True

    def cancel(self) -> None:
        if self._running and not self._cancelled.is_set():
            self._cancelled.set()
            self.progressed.emit(self.tr("Stopping the sync after the step it is on…"))

    # ---------------------------------------------------------------- results (UI thread)
    def _request_seen(self, method: str, path: str) -> None:
        if not self._running:
            return
        self._steps[method] = self._steps.get(method, 0) + 1
        if path.endswith("/bundles"):
            text = self.tr("Sending changes (bundle %1)…")
        else:
            text = self.tr("Receiving changes (page %1)…")
        self.progressed.emit(text.replace("%1", str(self._steps[method])))

    def _finished(self, report: SyncReport) -> None:
        self._running = False
        self._failures = 0
        self._problem = None
        if report.refused:
            self._problem = self.tr("Some changes were refused — %1").replace(
                "%1", report.refused[0].reason)
        self._clock_warning = report.clock_warning
        self.sync_finished.emit(report)
        self._after_run()

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        if isinstance(exc, SyncCancelled):
            self._problem = self.tr("Sync stopped — what was done is kept; sync again")
            self.sync_cancelled.emit()
            self._after_run()
            return
        if isinstance(exc, errors.Revoked):
            self.wiped()
            return
        if isinstance(exc, errors.HubUnreachable):
            self._failures += 1
        else:
            log.warning("sync failed", extra={"status": type(exc).__name__})
        self._problem = words.problem_words(exc)
        self.sync_failed.emit(self._problem)
        self._after_run()

    def wiped(self) -> None:
        """The hub's wipe order was carried out (by a sync or an admin call): say so neutrally."""
        self.stop()
        self.vault_wiped.emit(self.tr(
            "This laptop's case data has been removed, as the station hub instructed. Ask your "
            "coordinator before using it again."))

    def _after_run(self) -> None:
        if self._context is None:
            return
        if self._again:
            self._again = False
            self.debounce.start()
        self.refresh_status(then_schedule=True)

    # ---------------------------------------------------------------- status line
    def refresh_status(self, *, then_schedule: bool = False) -> None:
        context = self._context
        if context is None:
            return
        tasks.run_task(lambda: read_state(context),
                       on_done=lambda s: self._state_read(s, then_schedule),
                       on_error=lambda e: log.warning("sync status read failed",
                                                      extra={"status": type(e).__name__}))

    def _state_read(self, found: SyncState, then_schedule: bool) -> None:
        if self._context is None:
            return
        self._state = found
        status = found.status
        if status.last_good_at is not None:
            self._last_good_at = status.last_good_at
        elif status.last_sync_at is not None and (status.last_outcome or {}).get("ok"):
            self._last_good_at = status.last_sync_at  # recorded before last_good_at existed
        self.role_found.emit(found.role)
        self._emit_status()
        if then_schedule and found.status.enrolled and not self._running:
            self.periodic.start(self.interval_ms())

    def status_text(self) -> str:
        found = self._state
        if found is None:
            return self.tr("Reading the sync state…")
        status = found.status
        return words.status_line(
            enrolled=status.enrolled, last_sync_at=status.last_sync_at,
            last_ok=bool((status.last_outcome or {}).get("ok")), pending=status.pending_ops,
            now=self._clock(), running=self._running, problem=self._problem,
            clock_warning=self._clock_warning, conflicts=found.conflicts,
            last_good_at=self._last_good_at)

    def _emit_status(self) -> None:
        self.status_changed.emit(self.status_text())
