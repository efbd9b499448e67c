"""The HTTP transport a sync in the app runs through: the pinned TLS set-up of
:class:`fieldapp.services.sync.client.HubClient`, plus a cancel check and a progress note before
every request.

Why here and not in the services: a sync is a sequence of requests, and every step the services
take after a request commits whole (a bundle and its receipt, a pull page and its cursor, in one
transaction each). Refusing the *next* request is therefore the clean place to stop: whatever was
applied is complete, the rest waits for the next sync. No Qt in this module (it runs in a worker).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx

from fieldapp.services.sync.client import CONNECT_RETRIES, tls_context


class SyncCancelled(Exception):  # noqa: N818 - a request, not an error
    """The person (or a lock) asked the sync to stop; raised before the next request."""

    def __init__(self) -> None:
        super().__init__("the sync was stopped before its next step; what was done is kept")


class CancellableTransport(httpx.BaseTransport):
    """Wraps the real transport; ``on_request(method, path)`` is called before each request."""

    def __init__(self, inner: httpx.BaseTransport, cancelled: threading.Event,
                 on_request: Callable[[str, str], None] | None = None) -> None:
        self._inner = inner
        self._cancelled = cancelled
        self._on_request = on_request

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._cancelled.is_set():
            raise SyncCancelled()
        if self._on_request is not None:
            self._on_request(request.method, request.url.path)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def hub_transport(*, hub_url: str, ca_pem: str, cancelled: threading.Event,
                  on_request: Callable[[str, str], None] | None = None) -> CancellableTransport:
    """The same TLS rules as HubClient's own transport (only the pinned CA, TLS 1.3)."""
    https = hub_url.startswith("https://")
    inner = httpx.HTTPTransport(verify=tls_context(ca_pem) if https else False,
                                retries=CONNECT_RETRIES, trust_env=False)
    return CancellableTransport(inner, cancelled, on_request)
