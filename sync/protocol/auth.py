"""Request signatures: every call after enrolment is signed by the device's Ed25519 key.

The signed text binds the method, the path with its query, the body's SHA-256, the time and a
random nonce, so a captured request cannot be replayed (the hub remembers nonces for the window)
or re-aimed at another path.
"""

from __future__ import annotations

import os
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.protocol.canonical import b64, canonical, sha256_hex, unb64

DEVICE = "X-Fieldapp-Device"
TIME = "X-Fieldapp-Time"
NONCE = "X-Fieldapp-Nonce"
SIGNATURE = "X-Fieldapp-Signature"
HUB_TIME = "X-Fieldapp-Hub-Time"
IDEMPOTENCY = "Idempotency-Key"
WINDOW_MS = 5 * 60 * 1000
_DOMAIN = b"idva/request/v1\0"


def _text(method: str, path: str, body: bytes, at_ms: int, nonce: str) -> bytes:
    return _DOMAIN + canonical({"m": method.upper(), "p": path, "b": sha256_hex(body),
                                "t": at_ms, "n": nonce})


def sign_request(*, signer: Ed25519PrivateKey, device_id: str, method: str, path: str,
                 body: bytes, now_ms: int | None = None) -> dict[str, str]:
    """The headers to add to a request (``path`` includes the query string, as sent)."""
    at_ms = int(time.time() * 1000) if now_ms is None else now_ms
    nonce = b64(os.urandom(16))
    sig = signer.sign(_text(method, path, body, at_ms, nonce))
    return {DEVICE: device_id, TIME: str(at_ms), NONCE: nonce, SIGNATURE: b64(sig)}


def check_request(*, public: Ed25519PublicKey, method: str, path: str, body: bytes,
                  headers: dict[str, str], hub_ms: int) -> str:
    """Verify the signature and the time window; returns the nonce (the caller checks reuse).

    Raises ValueError with a message that quotes nothing from the request.
    """
    try:
        at_ms = int(headers[TIME])
        nonce = headers[NONCE]
        sig = unb64(headers[SIGNATURE])
    except (KeyError, ValueError, TypeError):
        raise ValueError("the request signature headers are missing or malformed") from None
    if len(nonce) > 64:
        raise ValueError("the request nonce is too long")
    if abs(at_ms - hub_ms) > WINDOW_MS:
        raise ValueError("the request is dated more than 5 minutes from the hub's clock")
    try:
        public.verify(sig, _text(method, path, body, at_ms, nonce))
    except InvalidSignature:
        raise ValueError("the request signature does not match the device's key") from None
    return nonce
