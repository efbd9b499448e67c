"""Generated bad requests against a serving hub: schemathesis from the hub's own /openapi.json.

Every operation the document lists is called with requests schemathesis generates from it, both
those that fit the schema (positive) and those that break it (negative), until ``total`` requests
have been sent. Half of the requests to the signed endpoints carry a valid request signature of
an enrolled device (``signer``, an IDVA's), so the generated bodies and queries get past the
signature check and reach the bundle, page and admin code behind it.

Each answer is checked with schemathesis's ``not_a_server_error`` and, for a refusal, against
the hub's error contract: a 4xx whose body is a JSON object with ``error`` and ``message``, and
that quotes none of the strings the request carried (a sent string found in the answer is sent
again replaced by a marker: only an answer that brings the marker back is an echo; a generated
string can also just be part of the hub's fixed wording). The figures come back as a dict; the
caller checks the database (nothing applied) and that the hub still serves.
"""

from __future__ import annotations

import json
import re
import secrets
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import requests
import schemathesis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error

from sync.protocol import auth

_WORDY = re.compile(r"[A-Za-z]")
_PUBLIC = {"/v1/health", "/v1/ca", "/v1/enrol", "/openapi.json"}
"""Every other operation is signed (sync and admin calls)."""


@dataclass
class Signer:
    """An enrolled device's key, to sign a share of the generated requests."""

    key: Ed25519PrivateKey
    device_id: str


@dataclass
class Figures:
    requests: int = 0
    by_status: Counter = field(default_factory=Counter)
    by_operation: Counter = field(default_factory=Counter)
    signed: int = 0
    server_errors: list[str] = field(default_factory=list)
    not_json: list[str] = field(default_factory=list)
    echoed: list[str] = field(default_factory=list)
    transport_errors: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {"requests": self.requests, "signed": self.signed,
                "by_status": dict(sorted(self.by_status.items())),
                "by_operation": dict(sorted(self.by_operation.items())),
                "server_errors_must_be_zero": len(self.server_errors),
                "refusals_not_json_with_error_and_message_must_be_zero": len(self.not_json),
                "refusals_quoting_the_request_must_be_zero": len(self.echoed),
                "transport_errors": dict(self.transport_errors),
                "examples": (self.server_errors + self.not_json + self.echoed)[:5]}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, bytes):
        yield value.decode("utf-8", "replace")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _sent_strings(case: Any) -> set[str]:
    """What the request carried that an answer must not repeat (words, not numbers or the
    request's own standard headers)."""
    found = set()
    for part in (case.path_parameters, case.query, case.body,
                 {k: v for k, v in (case.headers or {}).items()
                  if k.lower() not in ("user-agent", "accept", "accept-encoding", "connection",
                                       "content-type", "x-schemathesis-testcaseid")}):
        for text in _strings(part):
            if len(text) >= 8 and _WORDY.search(text):
                found.add(text)
    return found


def _swap(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, bytes):
        return value.replace(old.encode("utf-8"), new.encode("utf-8"))
    if isinstance(value, dict):
        return {_swap(k, old, new): _swap(v, old, new) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_swap(v, old, new) for v in value)
    return value


def _echoes(case: Any, sent: str, resend: Any) -> bool:
    """Whether the answer repeats ``sent`` because it was sent: the same request with that
    string replaced by a marker of the same length must not bring the marker back (a generated
    string can also just happen to be part of the hub's fixed wording)."""
    marker = ("Zq" + secrets.token_hex(len(sent)))[:len(sent)]
    parts = ("path_parameters", "query", "headers", "body")
    saved = {name: getattr(case, name) for name in parts}
    try:
        for name in parts:
            setattr(case, name, _swap(saved[name], sent, marker))
        again = resend(case)
    except Exception:  # noqa: BLE001 - cannot tell: count it as an echo
        return True
    finally:
        for name, value in saved.items():
            setattr(case, name, value)
    return marker in again.text


def _check(figures: Figures, case: Any, response: requests.Response, resend: Any) -> None:
    name = f"{case.method} {case.path}"
    figures.requests += 1
    figures.by_status[response.status_code] += 1
    figures.by_operation[name] += 1
    try:
        case.validate_response(response, checks=[not_a_server_error])
    except Exception as exc:  # noqa: BLE001 - schemathesis raises its failure group
        figures.server_errors.append(f"{name}: {response.status_code} {type(exc).__name__}")
    if response.status_code >= 500:
        return
    if response.status_code >= 400:
        try:
            body = response.json()
            ok = (isinstance(body, dict) and isinstance(body.get("error"), str)
                  and isinstance(body.get("message"), str))
        except ValueError:
            ok = False
        if not ok:
            figures.not_json.append(f"{name}: {response.status_code} not an error object")
        text = response.text
        quoted = [s for s in _sent_strings(case) if s in text and _echoes(case, s, resend)]
        if quoted:
            figures.echoed.append(f"{name}: {response.status_code} quotes a sent value "
                                  f"({len(quoted[0])} characters) in {text[:300]!r}")


def _send(session: requests.Session, case: Any, base_url: str,
          signer: Signer | None) -> requests.Response:
    kwargs = case.as_transport_kwargs(base_url=base_url)
    kwargs.pop("cookies", None)
    prepared = session.prepare_request(requests.Request(**{
        k: v for k, v in kwargs.items() if k in ("method", "url", "headers", "params", "data",
                                                 "json", "files")}))
    if signer is not None:
        body = prepared.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        prepared.headers.update(auth.sign_request(
            signer=signer.key, device_id=signer.device_id, method=prepared.method or "GET",
            path=prepared.path_url, body=body))
    return session.send(prepared, timeout=30, verify=session.verify)


def fuzz(base_url: str, *, total: int, verify: Any = True, signer: Signer | None = None,
         seed: int = 0) -> dict[str, Any]:
    """Send at least ``total`` generated requests to the hub at ``base_url``; the figures."""
    session = requests.Session()
    session.verify = verify
    session.trust_env = False
    schema = schemathesis.openapi.from_dict(
        session.get(f"{base_url}/openapi.json", timeout=30).json())
    operations = [result.ok() for result in schema.get_all_operations()]
    figures = Figures()
    round_no = 0
    while figures.requests < total:
        before = figures.requests
        for operation in operations:
            for mode in schemathesis.GenerationMode:
                left = total - figures.requests
                if left <= 0:
                    break
                per = max(1, min(left, total // (2 * len(operations)) + 1))
                try:
                    strategy = operation.as_strategy(generation_mode=mode)
                except Exception:  # noqa: BLE001 - nothing negative to make for this operation
                    continue

                @settings(max_examples=per, deadline=None, database=None, derandomize=False,
                          phases=[Phase.generate], suppress_health_check=list(HealthCheck))
                @given(case=strategy)
                def probe(case: Any) -> None:
                    sign = signer if (signer is not None and case.path not in _PUBLIC
                                      and figures.requests % 2 == 0) else None
                    try:
                        response = _send(session, case, base_url, sign)
                    except requests.RequestException as exc:
                        figures.transport_errors[type(exc).__name__] += 1
                        return
                    figures.signed += sign is not None
                    _check(figures, case, response,
                           lambda again: _send(session, again, base_url, sign))

                try:
                    probe()
                except Exception as exc:  # noqa: BLE001 - generation gave up: counted, go on
                    figures.transport_errors[f"generation:{type(exc).__name__}"] += 1
        round_no += 1
        if figures.requests == before or round_no > 50:
            break
    session.close()
    result = figures.as_dict()
    result["seed"] = seed
    return result


def main() -> None:  # pragma: no cover - ad hoc runs against a hub: python -m bench.hub_fuzz URL N
    import sys

    print(json.dumps(fuzz(sys.argv[1], total=int(sys.argv[2]), verify=False)))


if __name__ == "__main__":
    main()
