"""The hub's logs: one JSON object per line, identifiers and counts only.

Every line is ``{"time", "level", "logger", "event", ...}`` where ``event`` is the call site's
fixed message (``%``-arguments are never interpolated: they are withheld) and the extras are
allow-listed (:data:`ALLOWED`); anything else is dropped by the formatter, so a request body, a
name or a victim's words cannot reach a log by accident. Exceptions are written as their type and
the file and line they were raised at, never their text (a validation error quotes its input).

``logs/hub.log`` in the data folder (rotated at 5 MB, 5 kept, mode 0600) for every command;
``serve`` also writes the same lines to stderr. Uvicorn's access log is off: :class:`AccessLog`
writes ``method``, ``path`` (without the query), ``status`` and ``duration_ms`` instead.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LOG_DIR = "logs"
LOG_FILE = "hub.log"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5

ALLOWED = frozenset({
    "device_id", "bundle_id", "page_id", "case_id", "op_id", "user_id", "seq", "expected_seq",
    "cursor", "cursor_from", "cursor_to", "count", "applied", "duplicates", "quarantined",
    "conflicts", "cases", "removed", "bytes", "rows", "status", "code", "error", "method", "path",
    "duration_ms", "host", "port", "tls", "pid", "command", "backend", "days_left", "version",
})
"""Extras that may be written: ids, counts, codes, and the request line without its query."""

_MAX_VALUE = 200


def _plain(value: Any) -> Any:
    if isinstance(value, bool | int | float) or value is None:
        return value
    text = str(value)
    return text if len(text) <= _MAX_VALUE else text[:_MAX_VALUE] + "..."


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
                    .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": _plain(record.msg),
        }
        if record.args:
            line["args_withheld"] = True
        for key, value in record.__dict__.items():
            if key in ALLOWED:
                line[key] = _plain(value)
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _, tb = record.exc_info
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            line["exception"] = exc_type.__name__
            if tb is not None:
                line["at"] = f"{Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"), default=str)


def log_path(data_dir: Path) -> Path:
    return data_dir / LOG_DIR / LOG_FILE


def _file_handler(data_dir: Path) -> logging.Handler:
    folder = data_dir / LOG_DIR
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / LOG_FILE
    if not path.exists():
        path.touch(mode=0o600)
    os.chmod(path, 0o600)
    return logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                encoding="utf-8")


def setup(data_dir: Path | None, *, stderr: bool = False, debug: bool = False) -> None:
    """Route every logger to the hub's JSON lines: the data folder's log when it exists, stderr
    when asked (``serve``). Without either, nothing is printed (no tracebacks on a terminal)."""
    formatter = JsonFormatter()
    handlers: list[logging.Handler] = []
    if data_dir is not None and data_dir.is_dir():
        try:
            handlers.append(_file_handler(data_dir))
        except OSError:
            pass  # a read-only data folder still lets read-only commands run
    if stderr:
        handlers.append(logging.StreamHandler(sys.stderr))
    if not handlers:
        handlers.append(logging.NullHandler())
    for handler in handlers:
        handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in root.handlers:
        old.close()
    root.handlers[:] = handlers
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    logging.lastResort = None
    for noisy in ("sqlalchemy", "alembic", "httpx", "httpcore", "asyncio", "multipart"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("uvicorn.error").setLevel(logging.INFO)


# ---- access log --------------------------------------------------------------------------------

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


class AccessLog:
    """ASGI wrapper: one ``request`` line per HTTP request with the method, the path without
    its query, the status and the duration. No headers, no body, no client address."""

    def __init__(self, app: Asgi, logger: logging.Logger | None = None) -> None:
        self.app = app
        self.log = logger or logging.getLogger("sync.hub.access")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def send_wrapper(message: Message) -> None:
            if message.get("type") == "http.response.start":
                status["code"] = int(message.get("status", 500))
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self.log.info("request", extra={
                "method": scope.get("method", ""), "path": _path_only(scope.get("path", "")),
                "status": status["code"],
                "duration_ms": round((time.perf_counter() - started) * 1000, 1)})


def _path_only(path: str) -> str:
    return path.split("?", 1)[0][:_MAX_VALUE]
