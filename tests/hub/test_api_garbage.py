"""Bad input of any shape gets a 4xx JSON answer, never a 5xx: random and mutated bodies,
headers and queries against every endpoint (seeded, so a failure replays)."""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

import json
import random

from db_fixtures import (  # noqa: F401
    api,
    database,
    db_url,
    enrol_laptop,
    hub_data,
    hub_keys,
    new_case_ops,
    now_ms,
)

from sync.protocol import auth
from sync.protocol.canonical import b64

ROUNDS = 120
PATHS = ["/v1/health", "/v1/ca", "/v1/enrol", "/v1/bundles", "/v1/changes", "/v1/audit-head",
         "/openapi.json", "/", "/v1/bundles/x", "/v1/changes?cursor=0"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]


def _json_value(rng: random.Random, depth: int = 0):  # noqa: ANN202
    kinds = ["null", "bool", "int", "float", "str"] + (["list", "dict"] if depth < 3 else [])
    kind = rng.choice(kinds)
    if kind == "null":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rng.choice([0, -1, 1, 2**31, 2**63, -(2**70), rng.randint(-10**6, 10**6)])
    if kind == "float":
        return rng.choice([0.5, -1e308, 1e-300, 3.14])
    if kind == "str":
        return rng.choice(["", "x" * rng.randint(1, 300), "\u0000", "\ud7ff\ue000", "é" * 5,
                           "AAAA-BBBB-CCCC", "0" * 64, "00000000-0000-0000-0000-000000000000"])
    if kind == "list":
        return [_json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["code", "device_signing_key", "device_sealing_key", "device_id", "label", "header",
            "sig", "type", "v", "suite", "seq", "ops", "x"]
    return {rng.choice(keys): _json_value(rng, depth + 1) for _ in range(rng.randint(0, 6))}


def _mutate(rng: random.Random, body: bytes) -> bytes:
    data = bytearray(body)
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        if choice < 0.4 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif choice < 0.6 and data:
            del data[rng.randrange(len(data)):][: rng.randint(1, 50)]
        elif choice < 0.8:
            at = rng.randrange(len(data) + 1)
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 20)))
        else:
            data = data[: rng.randrange(len(data) + 1)]
    return bytes(data)


def _headers(rng: random.Random, laptop, method: str, path: str, body: bytes) -> dict:  # noqa: ANN001
    headers = {}
    if rng.random() < 0.6:
        headers = laptop.headers(method, path, body)
        for name in list(headers):
            roll = rng.random()
            if roll < 0.15:
                del headers[name]
            elif roll < 0.35:
                headers[name] = rng.choice(["", "x", "-1", "9" * 40, "AAAA====", "é".encode("latin-1"),
                                            b64(bytes(rng.randrange(256) for _ in range(64))),
                                            str(now_ms()), "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG"])
    if rng.random() < 0.3:
        headers["content-type"] = rng.choice(["application/json", "text/plain",
                                              "application/octet-stream", "multipart/form-data",
                                              "application/x-www-form-urlencoded", "x/y; q="])
    if rng.random() < 0.1:
        headers[auth.IDEMPOTENCY] = "k" * rng.randint(0, 200)
    return headers


def test_garbage_never_gets_a_5xx(api, database, hub_keys):
    rng = random.Random(20240501)
    laptop, _ = enrol_laptop(database, hub_keys)
    _, case_ops = new_case_ops(laptop)
    valid = laptop.bundle(case_ops, advance=False)
    seen: dict[int, int] = {}
    for round_no in range(ROUNDS):
        method = rng.choice(METHODS)
        path = rng.choice(PATHS)
        if rng.random() < 0.3:
            path = "/v1/changes?" + rng.choice(["cursor=", "cursor=-5", "limit=%00", "cursor=1&"
                                                "cursor=2", "limit=99999999999999999999",
                                                "cursor=%ff%fe", "a=b", "cursor=0&limit=1"])
        roll = rng.random()
        if roll < 0.3:
            body = _mutate(rng, valid)
        elif roll < 0.6:
            body = json.dumps(_json_value(rng)).encode()
        elif roll < 0.8:
            body = bytes(rng.randrange(256) for _ in range(rng.randint(0, 400)))
        else:
            body = b""
        headers = _headers(rng, laptop, method, path, body)
        response = api.call(method, path, content=body or None, headers=headers)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code < 500, (round_no, method, path, response.text)
        assert auth.HUB_TIME in response.headers
        if response.status_code >= 400:
            answer = response.json()
            assert set(answer) >= {"error", "message"}, response.text
    assert any(400 <= s < 500 for s in seen), seen


def test_mutated_bundles_from_an_enrolled_device_never_5xx(api, database, hub_keys):
    """Correctly signed requests carrying damaged bundles: refused, nothing applied."""
    rng = random.Random(7)
    laptop, _ = enrol_laptop(database, hub_keys)
    _, case_ops = new_case_ops(laptop)
    valid = laptop.bundle(case_ops, advance=False)
    statuses = set()
    for _ in range(ROUNDS):
        body = _mutate(rng, valid)
        response = api.signed(laptop, "POST", "/v1/bundles", body)
        statuses.add(response.status_code)
        assert response.status_code < 500, response.text
    assert statuses <= {200, 400, 401, 409, 413}
    # The intact bundle still applies (nothing a damaged copy did got in the way).
    assert api.signed(laptop, "POST", "/v1/bundles", valid).status_code in (200,)


def test_deeply_nested_json_is_malformed_not_an_error(api, database, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    for depth in (900, 5000, 15000):
        nested = b"[" * depth + b"]" * depth
        for path, body in (("/v1/enrol", nested), ("/v1/bundles", nested + b"\n"),
                           ("/v1/bundles", b'{"header": ' + nested + b', "sig": "AA=="}\nx')):
            response = api.signed(laptop, "POST", path, body,
                                  extra={"content-type": "application/json"})
            assert 400 <= response.status_code < 500, (depth, path, response.text)
