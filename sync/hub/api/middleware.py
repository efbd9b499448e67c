"""One pure ASGI wrapper round the app: the hub's clock on every response, the size limit
before the body is read, and a generic 500 for anything unexpected (logged as its type only).

A database that went away under a request (PostgreSQL restarted or the backend terminated, SQLite
still locked after the busy timeout) is answered 503 ``unavailable`` with ``Retry-After``: its
transaction was rolled back, nothing was applied, and the laptop's client retries a 503. The
pool's ``pool_pre_ping`` gives the next request a fresh connection."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from sync.protocol.auth import HUB_TIME

log = logging.getLogger("sync.hub.api")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]

_HUB_TIME = HUB_TIME.lower().encode("latin-1")
INTERNAL = "the hub could not answer this request; nothing was applied. Try again later"
UNAVAILABLE = ("the hub's database did not answer this request; nothing was applied. The laptop "
               "tries again by itself")
RETRY_AFTER_SECONDS = 2


class _BodyTooLarge(Exception):
    pass


def _body(status: int, code: str, message: str, **extras: object) -> bytes:
    return json.dumps({**extras, "error": code, "message": message}).encode("utf-8")


class HubMiddleware:
    def __init__(self, app: Asgi, *, max_bytes: int, clock_ms: Callable[[], int]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.clock_ms = clock_ms

    async def _answer(self, send: Send, status: int, body: bytes,
                      extra: list[tuple[bytes, bytes]] | None = None) -> None:
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode("ascii")),
            (_HUB_TIME, str(self.clock_ms()).encode("ascii")), *(extra or [])]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope.get("headers", []):
            if name.lower() == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await self._answer(send, 400, _body(400, "malformed", "the Content-Length "
                                                        "header is not a number"))
                    return
        if declared is not None and declared > self.max_bytes:
            await self._answer(send, 413, _body(
                413, "oversized", "the request is larger than this hub accepts; the laptop "
                "splits bundles to fit", max_bytes=self.max_bytes))
            return
        started = False
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message.get("type") == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def stamped_send(message: Message) -> None:
            nonlocal started
            if message.get("type") == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != _HUB_TIME]
                headers.append((_HUB_TIME, str(self.clock_ms()).encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, bounded_receive, stamped_send)
        except _BodyTooLarge:
            if not started:
                await self._answer(send, 413, _body(413, "oversized", "the request is larger "
                                                    "than this hub accepts",
                                                    max_bytes=self.max_bytes))
        except Exception as exc:  # noqa: BLE001 - the one place that answers what nobody expected
            if _database_gone(exc):
                log.warning("database unavailable", extra={
                    "error": type(exc).__name__, "method": scope.get("method", ""),
                    "path": scope.get("path", "")[:200]})
                if not started:
                    await self._answer(send, 503, _body(503, "unavailable", UNAVAILABLE),
                                       [(b"retry-after", str(RETRY_AFTER_SECONDS).encode())])
                return
            log.error("unexpected error", extra={"error": type(exc).__name__,
                                                 "method": scope.get("method", ""),
                                                 "path": scope.get("path", "")[:200]})
            if not started:
                await self._answer(send, 500, _body(500, "internal", INTERNAL))


def _database_gone(exc: BaseException) -> bool:
    """A lost or refused database connection, or a lock or pool wait that timed out (as opposed
    to a bug: a constraint, a bad statement)."""
    if isinstance(exc, PoolTimeout | OperationalError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)
