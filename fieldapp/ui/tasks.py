"""One small helper for slow work: run a function on a thread pool, signal the result back.

Workers never touch widgets. Reads run on the shared pool; writes run on a pool with exactly one
thread, because SQLite has one writer (the anki ``_collection_executor`` rule). Results and errors
arrive on the UI thread through queued signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

_writer_pool: QThreadPool | None = None
_live: set[_Task] = set()


def writer_pool() -> QThreadPool:
    global _writer_pool
    if _writer_pool is None:
        _writer_pool = QThreadPool()
        _writer_pool.setMaxThreadCount(1)
    return _writer_pool


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any]):
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.signals = _Signals()

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the UI
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


def run_task(
    fn: Callable[[], Any], *, on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None, write: bool = False,
) -> None:
    """Run ``fn`` off the UI thread; ``write=True`` puts it in the single writer queue."""
    task = _Task(fn)
    _live.add(task)

    def done(result: Any) -> None:
        _live.discard(task)
        if on_done is not None:
            on_done(result)

    def failed(exc: BaseException) -> None:
        _live.discard(task)
        if on_error is not None:
            on_error(exc)
        else:
            log.error("background task failed", extra={"status": type(exc).__name__})

    task.signals.finished.connect(done)
    task.signals.failed.connect(failed)
    (writer_pool() if write else QThreadPool.globalInstance()).start(task)


def wait_for_all(msecs: int = 10_000) -> bool:
    """Used on lock and quit so no worker still holds a session when the engine is disposed."""
    ok = QThreadPool.globalInstance().waitForDone(msecs)
    return writer_pool().waitForDone(msecs) and ok
