"""Logging that cannot leak personal data: messages are fixed strings, extras are allow-listed.

Call sites log events with identifiers and counts only, e.g.
``log.info("visit saved", extra={"case_id": ..., "count": 3})``; anything not on the allow-list
is dropped by the formatter rather than written.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
from pathlib import Path

ALLOWED_EXTRAS = frozenset({"case_id", "visit_id", "count", "seconds", "rows", "revision",
                            "action", "status", "device_id", "op_count"})


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extras = {k: v for k, v in record.__dict__.items() if k in ALLOWED_EXTRAS}
        # Only a literal message is written: an object (``log.error(exc)``) could carry values.
        message = record.msg if isinstance(record.msg, str) else f"<{type(record.msg).__name__}>"
        base = f"{self.formatTime(record)} {record.levelname} {record.name}: {message}"
        if record.args:
            base += " [arguments withheld]"
        if extras:
            base += " " + " ".join(f"{k}={v}" for k, v in sorted(extras.items()))
        if record.exc_info and record.exc_info[0] is not None:
            # Exception text can carry values; keep the type and the place only.
            exc_type, _, tb = record.exc_info
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb else "?"
            base += f" exception={exc_type.__name__} at {where}"
        return base


def harden_process() -> None:
    """No core dumps of a process that holds the data key (see sync_crypto.md section 9), and
    every file this process creates is private to the user (vault, WAL, logs, exports)."""
    os.umask(0o077)
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
        except (OSError, AttributeError):
            pass


def _rotating(path: Path) -> logging.Handler:
    import logging.handlers  # imports socket and pickle: see setup's rotate_later

    return logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3,
                                                encoding="utf-8")


def setup(folder: Path, *, debug: bool = False, rotate_later: bool = False) -> None:
    """Log to ``folder``/fieldapp.log (rotated at 1 MB, 3 kept) and crashes to crash.log.

    ``rotate_later=True`` writes through a plain file handler until :func:`start_rotating`:
    the desktop app calls that once its first window is painted, because the rotating
    handler's module imports socket and pickle (~8 ms before anything shows).
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / "fieldapp.log"
    handler = logging.FileHandler(path, encoding="utf-8") if rotate_later else _rotating(path)
    handler.setFormatter(RedactingFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    for noisy in ("sqlalchemy", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    crash = open(folder / "crash.log", "a", encoding="utf-8")  # noqa: SIM115 - lives for the process
    os.chmod(folder / "crash.log", 0o600)
    faulthandler.enable(crash)  # frames only: file, function, line; never locals


def start_rotating() -> None:
    """Swap the plain handler left by ``setup(..., rotate_later=True)`` for the rotating one."""
    root = logging.getLogger()
    for i, handler in enumerate(root.handlers):
        if type(handler) is logging.FileHandler:
            rotating = _rotating(Path(handler.baseFilename))
            rotating.setFormatter(handler.formatter)
            root.handlers[i] = rotating
            handler.close()
