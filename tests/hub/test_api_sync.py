"""The sync API through the ASGI app (httpx.ASGITransport): health, CA, enrolment, push, pull,
errors as JSON that quotes nothing, the hub's clock on every response, the size limit before
the body is read, and the OpenAPI document."""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

import asyncio
import json
import logging

from db_fixtures import (  # noqa: F401
    FAKE_CA,
    Laptop,
    api,
    database,
    db_url,
    enrol_laptop,
    hub_data,
    hub_keys,
    make_api,
    new_case_ops,
    now_ms,
)

from sync.hub.service import devices, enrol, pull
from sync.protocol import seal
from sync.protocol.auth import HUB_TIME
from sync.protocol.canonical import canonical, sha256_hex
from sync.protocol.models import EnrolResponse

MARKER = "ECHO-MARKER-3j9"


def _error(response, status, code):  # noqa: ANN001, ANN202
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == code and isinstance(body["message"], str) and body["message"]
    assert MARKER not in response.text
    assert int(response.headers[HUB_TIME]) > 0
    return body


def test_health_and_ca_answer_without_authentication(api):
    health = api.call("GET", "/v1/health")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert abs(int(health.headers[HUB_TIME]) - now_ms()) < 60_000
    ca = api.call("GET", "/v1/ca")
    assert ca.status_code == 200 and ca.json() == {"ca_pem": FAKE_CA}


def test_hub_time_comes_from_the_hub_clock(database, hub_keys):
    clock = make_api(database, hub_keys, clock_ms=lambda: 1_234_567)
    assert clock.call("GET", "/v1/health").headers[HUB_TIME] == "1234567"
    assert clock.call("GET", "/nowhere").headers[HUB_TIME] == "1234567"


def test_enrol_over_the_api(api, database, hub_keys):
    code = enrol.make_code(database, user="Jo", role="idva", staff_code="IDVA01", now_ms=now_ms())
    laptop = Laptop(hub=hub_keys)
    request = laptop.enrol_request(code).model_dump()
    answer = api.call("POST", "/v1/enrol", json_body=request)
    assert answer.status_code == 200, answer.text
    parsed = EnrolResponse.model_validate(answer.json())
    assert parsed.device_id == laptop.device_id and parsed.hub_kid == hub_keys.kid
    _error(api.call("POST", "/v1/enrol", json_body=request), 403, "bad_code")
    code = enrol.make_code(database, user="Jo", role="idva", staff_code="IDVA01", now_ms=now_ms())
    wrong = dict(laptop.enrol_request(code).model_dump(), device_id=Laptop(hub=hub_keys).device_id)
    _error(api.call("POST", "/v1/enrol", json_body=wrong), 409, "device_id_mismatch")
    # Validation errors are 400 malformed and echo nothing of the input.
    for bad in ({**wrong, "extra": MARKER}, {**wrong, "code": MARKER * 10}, {"code": MARKER},
                [MARKER], MARKER):
        _error(api.call("POST", "/v1/enrol", json_body=bad), 400, "malformed")
    _error(api.call("POST", "/v1/enrol", content=b'{"code": "' + MARKER.encode() + b'"',
                    headers={"content-type": "application/json"}), 400, "malformed")


def _push(api, laptop, body, **kw):  # noqa: ANN001, ANN202
    return api.signed(laptop, "POST", "/v1/bundles", body, **kw)


def test_push_applied_duplicate_and_refusals(api, database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    _, case_ops = new_case_ops(laptop)
    body = laptop.bundle(case_ops)
    first = _push(api, laptop, body)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "applied"
    receipt = seal.verify_statement(first.json()["receipt"], hub_keys.pairs.signing.public_key(),
                                    kind="receipt")
    assert receipt["sha256"] == sha256_hex(body)
    again = _push(api, laptop, body)
    assert again.status_code == 200 and again.json() == {"status": "duplicate",
                                                         "receipt": first.json()["receipt"]}
    _, more = new_case_ops(laptop)
    gap = laptop.bundle(more, seq=3, advance=False)
    assert _error(_push(api, laptop, gap), 409, "seq_gap")["expected_seq"] == 2
    fork = laptop.bundle(more, prev_hash="2" * 64, advance=False)
    assert _error(_push(api, laptop, fork), 409, "fork")["expected_seq"] == 2
    head, _, ct = body.partition(b"\n")
    outer = json.loads(head)
    suite = canonical({"header": dict(outer["header"], suite="X448/SHA512/CHACHA"),
                       "sig": outer["sig"]}) + b"\n" + ct
    _error(_push(api, laptop, suite), 400, "wrong_suite")
    _error(_push(api, laptop, b"{" + MARKER.encode() + b"\n"), 400, "malformed")
    # Replaying a captured request: same headers, same body.
    _, again_ops = new_case_ops(laptop)
    fresh = laptop.bundle(again_ops)
    headers = laptop.headers("POST", "/v1/bundles", fresh)
    assert api.call("POST", "/v1/bundles", content=fresh, headers=headers).status_code == 200
    replay = api.call("POST", "/v1/bundles", content=fresh, headers=headers)
    _error(replay, 401, "bad_request_signature")
    _error(api.call("POST", "/v1/bundles", content=fresh), 401, "bad_request_signature")


def test_framing_is_checked_before_the_signature(api, database, hub_keys):
    """Step 2 before step 3: a malformed body from an unknown device is 400, not 403."""
    stranger = Laptop(hub=hub_keys)
    _error(_push(api, stranger, b"garbage"), 400, "malformed")
    _, case_ops = new_case_ops(stranger)
    _error(_push(api, stranger, stranger.bundle(case_ops)), 403, "unknown_device")


def test_revoked_device_is_told_to_wipe(api, database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    devices.revoke(database, laptop.device_id, reason="stolen", actor="coord", now_ms=now_ms())
    _, case_ops = new_case_ops(laptop)
    for response in (_push(api, laptop, laptop.bundle(case_ops)),
                     api.signed(laptop, "GET", "/v1/changes?cursor=0&limit=5")):
        body = _error(response, 403, "revoked")
        order = seal.verify_statement(body["wipe"], hub_keys.pairs.signing.public_key(),
                                      kind="wipe")
        assert order["device_id"] == laptop.device_id


def test_oversized_is_413_before_the_body_is_read(database, hub_keys):
    small = make_api(database, hub_keys, max_bundle_bytes=4096)
    laptop, _ = enrol_laptop(database, hub_keys)
    body = _error(_push(small, laptop, b"x" * 5000), 413, "oversized")
    assert body["max_bytes"] == 4096
    _error(small.call("POST", "/v1/enrol", content=b"{" * 5000,
                      headers={"content-type": "application/json"}), 413, "oversized")
    # Straight at the ASGI app: a declared length above the limit is answered without reading.
    sent: list[dict] = []

    async def receive() -> dict:
        raise AssertionError("the body was read")

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/v1/bundles", "raw_path": b"/v1/bundles",
             "query_string": b"", "root_path": "", "headers": [(b"content-length", b"10000000")],
             "client": ("127.0.0.1", 1), "server": ("hub.test", 80)}
    asyncio.run(small.app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert any(k == HUB_TIME.lower().encode() for k, _ in sent[0]["headers"])
    # A body streamed without a length is cut off at the limit too.

    async def chunks():  # noqa: ANN202
        for _ in range(10):
            yield b"y" * 1000

    async def streamed():  # noqa: ANN202
        import httpx

        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=small.app),
                                     base_url="http://hub.test") as client:
            return await client.post("/v1/bundles", content=chunks(),
                                     headers=laptop.headers("POST", "/v1/bundles", b""))

    _error(asyncio.run(streamed()), 413, "oversized")


def test_pull_over_the_api(api, database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    ids, case_ops = new_case_ops(laptop)
    assert _push(api, laptop, laptop.bundle(case_ops)).status_code == 200
    page = api.signed(laptop, "GET", "/v1/changes?cursor=0&limit=10")
    assert page.status_code == 200, page.text
    assert page.headers["content-type"] == "application/octet-stream"
    header, payload = laptop.open_page(page.content)
    assert [c.case_id for c in payload.cases] == [ids.case_id] and header["cursor_to"] == 1
    # Defaults when the query is left out.
    assert api.signed(laptop, "GET", "/v1/changes").status_code == 200
    for query in ("cursor=-1", "limit=0", "limit=abc", "cursor=1e9", f"limit={pull.MAX_LIMIT + 1}"):
        _error(api.signed(laptop, "GET", f"/v1/changes?{query}"), 400, "malformed")
    # The signature covers the query: a re-aimed cursor is refused.
    headers = laptop.headers("GET", "/v1/changes?cursor=0")
    _error(api.call("GET", "/v1/changes?cursor=1", headers=headers), 401, "bad_request_signature")
    _error(api.call("GET", "/v1/changes?cursor=0"), 401, "bad_request_signature")


def test_http_errors_are_json_too(api):
    _error(api.call("GET", "/nowhere"), 404, "not_found")
    response = api.call("DELETE", "/v1/health")
    _error(response, 405, "method_not_allowed")


def test_unexpected_errors_are_a_generic_500_logged_without_data(api, database, hub_keys,
                                                                monkeypatch, caplog):
    laptop, _ = enrol_laptop(database, hub_keys)

    def explode(*_a, **_k):  # noqa: ANN202
        raise RuntimeError(f"victim said {MARKER}")

    monkeypatch.setattr(pull, "changes_page", explode)
    with caplog.at_level(logging.DEBUG):
        response = api.signed(laptop, "GET", "/v1/changes?cursor=0")
    body = _error(response, 500, "internal")
    assert set(body) == {"error", "message"}
    assert MARKER not in caplog.text and "RuntimeError" in str(
        [getattr(r, "error", "") for r in caplog.records])


def test_openapi_declares_bodies_and_errors(api):
    doc = api.call("GET", "/openapi.json").json()
    paths = doc["paths"]
    assert set(paths) >= {"/v1/health", "/v1/ca", "/v1/enrol", "/v1/bundles", "/v1/changes"}
    bundles = paths["/v1/bundles"]["post"]
    assert "application/octet-stream" in bundles["requestBody"]["content"]
    assert bundles["requestBody"]["required"] is True
    assert {"400", "401", "403", "409", "413"} <= set(bundles["responses"])
    assert {p["name"] for p in bundles["parameters"]} >= {"X-Fieldapp-Device",
                                                          "X-Fieldapp-Signature"}
    enrol_op = paths["/v1/enrol"]["post"]
    assert enrol_op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "EnrolRequest")
    assert {"400", "403", "409"} <= set(enrol_op["responses"])
    changes = paths["/v1/changes"]["get"]
    assert "application/octet-stream" in changes["responses"]["200"]["content"]
    assert {p["name"] for p in changes["parameters"]} >= {"cursor", "limit"}
    for path in paths.values():
        for operation in path.values():
            assert "422" not in operation["responses"]
    assert "ErrorBody" in doc["components"]["schemas"]
