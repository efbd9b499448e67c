"""OpenAPI fragments shared by the routers: error answers and the signed-request headers."""

from __future__ import annotations

from typing import Any

from sync.protocol import auth
from sync.protocol.models import ErrorBody

_WORDS = {
    400: "malformed, wrong_suite or undecryptable (nothing applied)",
    401: "bad_request_signature or bad_signature",
    403: "bad_code, unknown_device, or revoked (with a signed wipe order)",
    404: "not_found",
    409: "bundle_id_reused, seq_gap or fork (with expected_seq), device_id_mismatch",
    413: "oversized (refused before the body is read)",
    500: "internal (nothing applied)",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody, "description": _WORDS[status]} for status in statuses}


SIGNED_HEADERS = [
    {"name": name, "in": "header", "required": True, "schema": {"type": "string"},
     "description": words}
    for name, words in (
        (auth.DEVICE, "the device id"), (auth.TIME, "hub-corrected time, ms since the epoch"),
        (auth.NONCE, "16 random bytes, base64"),
        (auth.SIGNATURE, "Ed25519 signature (sync.protocol.auth.sign_request), base64"))
]
