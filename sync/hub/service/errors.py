"""The one refusal every use case raises: an HTTP status, a stable code and words for a person.

The message never quotes the input (it may be personal data or an attacker's bytes); extras are
values the hub itself chose (``expected_seq``, a signed ``wipe`` order, ``max_bytes``).
"""

from __future__ import annotations

from typing import Any

from sync.protocol.errors import ProtocolError

_STATUS_FOR_PROTOCOL = {"malformed": 400, "wrong_suite": 400, "undecryptable": 400,
                        "bad_signature": 401, "oversized": 413}


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str, **extras: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extras = extras

    def body(self) -> dict[str, Any]:
        """The ErrorBody document: ``{"error": code, "message": words, **extras}``."""
        return {**self.extras, "error": self.code, "message": self.message}

    @classmethod
    def from_protocol(cls, exc: ProtocolError) -> Refused:
        extras = {k: v for k, v in exc.details.items() if isinstance(v, int | str | bool)}
        return cls(_STATUS_FOR_PROTOCOL.get(exc.code, 400), exc.code, exc.message, **extras)

    def __repr__(self) -> str:
        return f"Refused({self.status}, {self.code!r})"
