"""HTTPS to the station hub: trusts only the pinned CA, signs every call, retries what is safe.

- TLS: ``ssl.create_default_context(cadata=ca_pem)`` loads the pinned station CA and nothing else
  (no system roots), TLS 1.3 minimum, host names checked. Plain HTTP only to a loopback address.
- Every call after enrolment carries :func:`sync.protocol.auth.sign_request` headers, dated with
  *hub-corrected* time: this laptop's clock plus the offset learnt from the last
  ``X-Fieldapp-Hub-Time``, so a laptop whose clock is off still syncs (and is warned).
- Retries: connection set-up failures are retried by httpx's own transport (``retries=``, with
  httpcore's exponential back-off). httpx has no retry for a 5xx or for a connection that fails
  part-way, and no retry library is installed here, so a small explicit loop does those with
  exponential back-off and full jitter. Every call made is safe to repeat: a push bundle is
  idempotent by its id (the same bytes are sent again) and a pull page is a read. Each attempt is
  signed afresh (a new nonce: the hub refuses a replayed one) over the identical body.
- Time: each phase (connect, write, read) has a deadline, and the answer is read within about
  30 seconds of the request being sent.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldapp.services.sync.errors import CertificateMismatch, HubUnreachable, Refused
from sync.protocol import auth, hlc

log = logging.getLogger(__name__)

ATTEMPT_SECONDS = 30.0
TIMEOUT = httpx.Timeout(ATTEMPT_SECONDS, connect=10.0, pool=10.0)
CONNECT_RETRIES = 2
ATTEMPTS = 4
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
MAX_ANSWER_BYTES = 64 * 1024 * 1024
_RETRY_STATUS = frozenset({500, 502, 503, 504})


@dataclass(frozen=True)
class Answer:
    """A hub response, read in full."""

    status: int
    headers: dict[str, str]
    body: bytes
    hub_ms: int | None = None

    def json(self) -> dict[str, Any]:
        try:
            data = json.loads(self.body)
        except ValueError:
            raise Refused("the hub's answer could not be read (not JSON)", code="bad_answer") from None
        if not isinstance(data, dict):
            raise Refused("the hub's answer could not be read", code="bad_answer")
        return data

    @property
    def error(self) -> str:
        """The wire error code of a refusal ('' for a success or an unreadable body)."""
        if self.status < 400:
            return ""
        try:
            data = json.loads(self.body)
        except ValueError:
            return ""
        return str(data.get("error", "")) if isinstance(data, dict) else ""


def check_url(url: str) -> str:
    """The hub address without a trailing slash; https, or http to a loopback address only."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise Refused("the hub address must look like https://HOST:PORT", code="bad_url")
    if parts.query or parts.fragment or parts.path not in ("", "/"):
        raise Refused("the hub address must be just https://HOST:PORT (no path)", code="bad_url")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise Refused("the hub must be reached over https (plain http only on this machine's "
                      "loopback address)", code="bad_url")
    return f"{parts.scheme}://{parts.netloc}"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def tls_context(ca_pem: str | None) -> ssl.SSLContext:
    """Trusts only ``ca_pem`` (no system roots); ``None`` = no verification at all, used for the
    one unauthenticated fetch of the CA at enrolment, whose answer is checked by fingerprint."""
    if ca_pem is None:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    else:
        ctx = ssl.create_default_context(cadata=ca_pem)
        ctx.check_hostname = True
        ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    return ctx


def _tls_failure(exc: BaseException) -> bool:
    """A certificate or TLS negotiation failure somewhere in the exception's chain (as opposed to
    a connection cut: EOF and reset mean unreachable)."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLCertVerificationError):
            return True
        if isinstance(cur, ssl.SSLError) and not isinstance(
                cur, ssl.SSLEOFError | ssl.SSLZeroReturnError | ssl.SSLSyscallError):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


@dataclass
class HubClient:
    """One hub, one device. ``signer``/``device_id`` None: unsigned calls only (enrolment)."""

    base_url: str
    ca_pem: str | None
    signer: Ed25519PrivateKey | None = None
    device_id: str | None = None
    offset_ms: int = 0
    """Hub clock minus this laptop's, in ms (updated from every answer)."""
    transport: httpx.BaseTransport | None = None
    attempts: int = ATTEMPTS
    sleep: Callable[[float], None] = time.sleep
    clock_ms: Callable[[], int] = field(default=lambda: int(time.time() * 1000))
    last_hub_ms: int | None = None
    clock_warning: str | None = None
    _http: httpx.Client | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.base_url = check_url(self.base_url)
        is_https = self.base_url.startswith("https://")
        transport = self.transport or httpx.HTTPTransport(
            verify=tls_context(self.ca_pem) if is_https else False, retries=CONNECT_RETRIES,
            trust_env=False)
        self._http = httpx.Client(base_url=self.base_url, transport=transport, timeout=TIMEOUT,
                                  trust_env=False, follow_redirects=False)

    # ------------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def hub_now_ms(self) -> int:
        return self.clock_ms() + self.offset_ms

    # ------------------------------------------------------------------------ calls
    def call(self, method: str, path: str, *, body: bytes = b"", signed: bool = True,
             headers: dict[str, str] | None = None) -> Answer:
        """Send, retrying what is safe to retry; raises HubUnreachable / CertificateMismatch."""
        last: str = "no answer"
        resigned = False
        attempt = 0
        while attempt < self.attempts:
            try:
                answer = self._once(method, path, body=body, signed=signed, headers=headers)
            except httpx.TransportError as exc:
                if _tls_failure(exc):
                    raise CertificateMismatch(
                        "the hub's certificate is not from the station CA pinned at enrolment "
                        "(or it does not speak TLS 1.3): this may not be your station's hub. "
                        "Nothing was sent. Tell your coordinator.") from None
                last = type(exc).__name__
                if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
                    break  # the transport already retried setting the connection up
            else:
                if answer.status in _RETRY_STATUS:
                    last = f"HTTP {answer.status}"
                elif (answer.status == 401 and signed and not resigned
                      and answer.error == "bad_request_signature" and answer.hub_ms is not None):
                    # Dated outside the hub's window with a stale offset: the answer taught us the
                    # hub's time, so one more try is signed with it (a new nonce).
                    resigned = True
                    continue
                else:
                    return answer
            attempt += 1
            if attempt < self.attempts:
                self.sleep(random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt)))
        log.info("hub unreachable", extra={"status": last})
        raise HubUnreachable(
            f"the station hub could not be reached ({last}); nothing is lost. Try again when "
            "connected to the station network.")

    def _once(self, method: str, path: str, *, body: bytes, signed: bool,
              headers: dict[str, str] | None) -> Answer:
        assert self._http is not None
        request = self._http.build_request(method, path, content=body if body else None,
                                           headers=headers)
        if signed:
            if self.signer is None or self.device_id is None:
                raise RuntimeError("a signed call needs the device's key")
            sent_path = request.url.raw_path.decode("ascii")
            request.headers.update(auth.sign_request(
                signer=self.signer, device_id=self.device_id, method=method, path=sent_path,
                body=body, now_ms=self.hub_now_ms()))
        deadline = time.monotonic() + ATTEMPT_SECONDS
        response = self._http.send(request, stream=True)
        try:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise httpx.ReadError("the answer is larger than any hub answer")
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the answer took too long")
                chunks.append(chunk)
        finally:
            response.close()
        hub_ms = self._learn_time(response.headers.get(auth.HUB_TIME))
        return Answer(status=response.status_code, headers=dict(response.headers),
                      body=b"".join(chunks), hub_ms=hub_ms)

    def _learn_time(self, text: str | None) -> int | None:
        try:
            hub_ms = int(text) if text is not None else None
        except ValueError:
            hub_ms = None
        if hub_ms is None or hub_ms <= 0:
            return None
        local = self.clock_ms()
        self.last_hub_ms = hub_ms
        self.offset_ms = hub_ms - local
        self.clock_warning = hlc.skew_words(local, hub_ms)
        return hub_ms
