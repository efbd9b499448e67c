"""Logging that cannot leak personal data: messages are fixed strings, extras are allow-listed.

Call sites log events with identifiers and counts only, e.g.
``log.info("visit saved", extra={"case_id": ..., "count": 3})``; anything not on the allow-list
is dropped by the formatter rather than written.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import sys
from pathlib import Path

ALLOWED_EXTRAS = frozenset({"case_id", "visit_id", "count", "seconds", "rows", "revision",
                            "action", "status", "device_id", "op_count"})


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extras = {k: v for k, v in record.__dict__.items() if k in ALLOWED_EXTRAS}
        base = f"{self.formatTime(record)} {record.levelname} {record.name}: {record.msg}"
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


def setup(folder: Path, *, debug: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = logging.handlers.RotatingFileHandler(
        folder / "fieldapp.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(RedactingFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    for noisy in ("sqlalchemy", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    crash = open(folder / "crash.log", "a", encoding="utf-8")  # noqa: SIM115 - lives for the process
    os.chmod(folder / "crash.log", 0o600)
    faulthandler.enable(crash)  # frames only: file, function, line; never locals
