"""Offline transfer (USB): a laptop's bundle file in, a reply file out.

The file (docs/sync-protocol.md "Offline transfer") carries the device's sealed bundles and a
pull request the device signed. There is no request signature: each bundle's own signature is
the device's proof, checked exactly as ``POST /v1/bundles`` checks it and applied in the same
transaction (:func:`sync.hub.service.push.accept_bundle`), one bundle at a time in file order.
The pull request is a device-signed statement at most 24 hours old; the reply then carries the
pull pages from its cursor to the end of the device's scope.

A revoked device gets a reply with no pages and the signed wipe order (``"wipe"``); an unknown
device or a file that is not a transfer file is refused.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sync.hub.keys import HubKeys
from sync.hub.service import pull, push
from sync.hub.service.auth import wipe_order
from sync.hub.service.devices import REVOKED, load
from sync.hub.service.errors import Refused
from sync.hub.store.db import Database
from sync.protocol import seal
from sync.protocol.canonical import b64, canonical, unb64
from sync.protocol.errors import ProtocolError

PULL_MAX_AGE_MS = 24 * 3600 * 1000
PULL_MAX_AHEAD_MS = 5 * 60 * 1000
MAX_BUNDLES = 10_000
MAX_PAGES = 1_000
MAX_FILE_BYTES = 512 * 1024 * 1024
_DEVICE_FORM = re.compile(r"^[A-Z2-7-]{1,64}$")


def _malformed(message: str) -> Refused:
    return Refused(400, "malformed", message)


def _read(data: bytes, *, max_bytes: int) -> dict[str, Any]:
    if len(data) > MAX_FILE_BYTES:
        raise Refused(413, "oversized", "the transfer file is larger than this hub accepts")
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise _malformed("the file is not a fieldapp transfer file (not JSON)") from None
    if (not isinstance(doc, dict) or doc.get("format") != "fieldapp-transfer"
            or doc.get("v") != 1):
        raise _malformed("the file is not a version 1 fieldapp transfer file")
    if (not isinstance(doc.get("device_id"), str) or not _DEVICE_FORM.match(doc["device_id"])
            or not isinstance(doc.get("bundles"), list)):
        raise _malformed("the transfer file does not name its device and bundles")
    if len(doc["bundles"]) > MAX_BUNDLES:
        raise _malformed("the transfer file holds more bundles than the hub takes at once")
    return doc


def _pull_cursor(doc: dict[str, Any], device, *, now_ms: int) -> tuple[int | None, str]:  # noqa: ANN001
    """The cursor of a valid pull request, or (None, why not)."""
    request = doc.get("pull")
    if request is None:
        return None, "no_pull_request"
    try:
        statement = seal.verify_statement(request, device.signing_public(), kind="pull_request")
    except ProtocolError as exc:
        return None, exc.code
    except (RecursionError, ValueError, TypeError):
        return None, "malformed"
    cursor, issued = statement.get("cursor"), statement.get("issued_at")
    if statement.get("device_id") != device.device_id:
        return None, "bad_signature"
    if (not isinstance(cursor, int) or isinstance(cursor, bool) or cursor < 0
            or not isinstance(issued, int) or isinstance(issued, bool)):
        return None, "malformed"
    if issued < now_ms - PULL_MAX_AGE_MS or issued > now_ms + PULL_MAX_AHEAD_MS:
        return None, "stale_pull_request"
    return cursor, ""


def import_file(db: Database, keys: HubKeys, data: bytes, *, max_bytes: int,
                now_ms: int) -> tuple[bytes, dict[str, Any]]:
    """Apply a transfer file; returns the reply file's bytes and a summary for the CLI."""
    doc = _read(data, max_bytes=max_bytes)
    with db.begin(read_only=True) as conn:
        device = load(conn, doc["device_id"])
    if device is None:
        raise Refused(403, "unknown_device", "this hub does not know the device that wrote the "
                                             "file")
    summary: dict[str, Any] = {"device_id": device.device_id, "bundles": len(doc["bundles"]),
                               "applied": 0, "duplicate": 0, "refused": 0, "ops_applied": 0,
                               "pages": 0, "cases_sent": 0, "removed": 0, "revoked": False,
                               "pull_error": ""}
    reply: dict[str, Any] = {"format": "fieldapp-reply", "v": 1, "device_id": device.device_id,
                             "results": [], "pages": []}
    if device.state == REVOKED:
        summary["revoked"] = True
        summary["refused"] = len(doc["bundles"])
        reply["wipe"] = wipe_order(keys, device_id=device.device_id, now_ms=now_ms)
        return canonical(reply) + b"\n", summary
    for item in doc["bundles"]:
        result: dict[str, Any] = {"bundle_id": "", "status": "refused"}
        try:
            if not isinstance(item, str):
                raise _malformed("a bundle in the file is not base64 text")
            try:
                body = unb64(item)
            except ValueError:
                raise _malformed("a bundle in the file is not base64") from None
            sealed = push.precheck(body=body, max_bytes=max_bytes)
            result["bundle_id"] = sealed.header["bundle_id"]
            answer = push.accept_bundle(db, keys, device=device, body=body, max_bytes=max_bytes,
                                        now_ms=now_ms)
        except Refused as exc:
            summary["refused"] += 1
            result.update({k: v for k, v in exc.extras.items() if k != "wipe"})
            result.update(error=exc.code, message=exc.message)
            if exc.code == "revoked":
                summary["revoked"] = True
                reply["wipe"] = exc.extras.get("wipe")
        else:
            result.update(status=answer["status"], receipt=answer["receipt"])
            summary[answer["status"]] += 1
            if answer["status"] == "applied":
                summary["ops_applied"] += answer["receipt"]["statement"]["applied"]
        reply["results"].append(result)
    cursor, why = _pull_cursor(doc, device, now_ms=now_ms)
    summary["pull_error"] = why
    if cursor is not None and not summary["revoked"]:
        for _ in range(MAX_PAGES):
            page = pull.build_page(db, keys, device=device, cursor=cursor,
                                   limit=pull.DEFAULT_LIMIT, now_ms=now_ms)
            reply["pages"].append(b64(page.body))
            summary["pages"] += 1
            summary["cases_sent"] += page.cases
            summary["removed"] += page.removed
            if not page.more:
                break
            cursor = page.cursor_to
    return canonical(reply) + b"\n", summary
