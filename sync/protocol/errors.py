"""What can be wrong with a sealed document, told apart so each end can answer distinctly."""

from __future__ import annotations


class ProtocolError(Exception):
    """A document that cannot be accepted. ``code`` is the wire error code; the message never
    quotes the input."""

    code = "malformed"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class Malformed(ProtocolError):
    code = "malformed"


class BadSignature(ProtocolError):
    code = "bad_signature"


class Undecryptable(ProtocolError):
    """Signature fine but HPKE refused (ciphertext or binding edited, or the wrong key)."""

    code = "undecryptable"


class WrongSuite(ProtocolError):
    code = "wrong_suite"


class Oversized(ProtocolError):
    code = "oversized"
