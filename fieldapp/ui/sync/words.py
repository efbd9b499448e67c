"""The status bar's sentences about sync, from plain values (testable without a widget).

"Synced 2 minutes ago · 3 changes not yet synced", or the problem and what to do about it.
Never a name or any case data: counts, times and the kind of problem only.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from fieldapp.services.sync import errors

_CTX = "SyncWords"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def _plural(count: int, one: str, many: str) -> str:
    return (one if count == 1 else many).replace("%n", str(count))


def ago(when: datetime, now: datetime) -> str:
    """'just now', '2 minutes ago', '3 hours ago', 'yesterday', '4 days ago'."""
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 60:
        return _tr("just now")
    minutes = seconds // 60
    if minutes < 60:
        return _plural(minutes, _tr("%n minute ago"), _tr("%n minutes ago"))
    hours = minutes // 60
    if hours < 24:
        return _plural(hours, _tr("%n hour ago"), _tr("%n hours ago"))
    days = hours // 24
    if days == 1:
        return _tr("yesterday")
    return _plural(days, _tr("%n day ago"), _tr("%n days ago"))


def waiting(count: int) -> str:
    if count <= 0:
        return _tr("all changes synced")
    return _plural(count, _tr("%n change not yet synced"), _tr("%n changes not yet synced"))


UNREACHABLE = ("Station hub not reachable — changes are kept on this laptop; sync again at the "
               "station")


def problem_words(exc: BaseException) -> str:
    """What went wrong and what to do, for the status bar (never the exception's own text
    unless it is one of ours, whose messages are written for a person and hold no data)."""
    if isinstance(exc, errors.HubUnreachable):
        return _tr(UNREACHABLE)
    if isinstance(exc, errors.CertificateMismatch):
        return _tr("This hub's certificate is not your station's — nothing was sent; tell your "
                   "coordinator")
    if isinstance(exc, errors.HubNotTrusted):
        return _tr("An answer was not signed by your station's hub — nothing of it was used; "
                   "tell your coordinator")
    if isinstance(exc, errors.NotEnrolled):
        return _tr("Not enrolled with a station hub — use Sync ▸ Enrol with a station hub")
    if isinstance(exc, errors.Refused):
        return _tr("The station hub refused the sync — %1").replace("%1", str(exc))
    return _tr("Sync did not finish (%1) — nothing is lost; sync again").replace(
        "%1", type(exc).__name__)


def status_line(*, enrolled: bool, last_sync_at: datetime | None, last_ok: bool,
                pending: int, now: datetime, running: bool = False,
                problem: str | None = None, clock_warning: str | None = None,
                conflicts: int = 0, last_good_at: datetime | None = None) -> str:
    """The one line the status bar shows. ``last_good_at``: the last sync that finished, when
    the last attempt (``last_sync_at``) did not."""
    if not enrolled:
        return _tr("Not enrolled with a station hub")
    if running:
        head = _tr("Syncing…")
    elif last_sync_at is None:
        head = _tr("Never synced")
    elif last_ok:
        head = _tr("Synced %1").replace("%1", ago(last_sync_at, now))
    elif last_good_at is not None:
        head = _tr("Synced %1 (the last attempt did not finish)").replace(
            "%1", ago(last_good_at, now))
    else:
        head = _tr("Last sync attempt %1 did not finish").replace("%1", ago(last_sync_at, now))
    parts = [head, waiting(pending)]
    if conflicts:
        parts.append(_plural(conflicts, _tr("%n conflict to resolve"),
                             _tr("%n conflicts to resolve")))
    if problem:
        parts.append(problem)
    if clock_warning:
        parts.append(clock_warning)
    return " · ".join(parts)
