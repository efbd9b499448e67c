"""Sealed documents (push bundles and pull pages) and signed statements (receipts, wipe orders).

A sealed document is one body::

    canonical_json({"header": header, "sig": b64}) + b"\\n" + ciphertext

``ciphertext`` is HPKE (X25519, HKDF-SHA256, AES-256-GCM; RFC 9180 base mode) to the recipient,
with ``info = DOMAIN + canonical(header_core)``, so any edit of the header breaks decryption;
``header = header_core + {ct_len, ct_sha256}`` is signed with the sender's Ed25519 key, so a
forged, revoked or replayed document is refused before anything is decrypted.

Opening is split in two steps on purpose: :func:`parse` + :meth:`Sealed.verify` (cheap, no
secret needed, tells who signed it) and :meth:`Sealed.decrypt` (only after the checks the
receiver wants to make on the header).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from sync.protocol.canonical import b64, canonical, sha256_hex, unb64
from sync.protocol.errors import BadSignature, Malformed, Oversized, Undecryptable, WrongSuite

SUITE_NAME = "X25519/HKDF-SHA256/AES-256-GCM"
SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)

_INFO = {"push": b"idva/push/v1\0", "pull": b"idva/pull/v1\0"}
_SIG = {"push": b"idva/push-sig/v1\0", "pull": b"idva/pull-sig/v1\0"}
_STATEMENT = b"idva/statement/v1\0"
_MAX_HEADER = 16 * 1024


def seal(*, kind: str, header_core: dict[str, Any], payload: dict[str, Any],
         recipient: X25519PublicKey, signer: Ed25519PrivateKey) -> bytes:
    core = {**header_core, "type": kind, "suite": SUITE_NAME}
    ct = SUITE.encrypt(canonical(payload), recipient, info=_INFO[kind] + canonical(core))
    header = {**core, "ct_len": len(ct), "ct_sha256": sha256_hex(ct)}
    sig = signer.sign(_SIG[kind] + canonical(header))
    return canonical({"header": header, "sig": b64(sig)}) + b"\n" + ct


@dataclass(frozen=True)
class Sealed:
    header: dict[str, Any]
    sig: bytes
    ct: bytes

    @property
    def kind(self) -> str:
        return self.header["type"]

    def core(self) -> dict[str, Any]:
        return {k: v for k, v in self.header.items() if k not in ("ct_len", "ct_sha256")}

    def header_hash(self) -> str:
        """What the next push's ``prev_hash`` names: SHA-256 of this canonical full header."""
        return sha256_hex(canonical(self.header))

    def verify(self, signer: Ed25519PublicKey) -> None:
        try:
            signer.verify(self.sig, _SIG[self.kind] + canonical(self.header))
        except InvalidSignature:
            raise BadSignature("the signature does not match the sender's key") from None

    def decrypt(self, recipient: X25519PrivateKey) -> dict[str, Any]:
        try:
            plain = SUITE.decrypt(self.ct, recipient, info=_INFO[self.kind] + canonical(self.core()))
        except (InvalidTag, ValueError):
            raise Undecryptable("the sealed contents could not be opened") from None
        try:
            payload = json.loads(plain)
        except ValueError:
            raise Malformed("the sealed contents are not JSON") from None
        if not isinstance(payload, dict):
            raise Malformed("the sealed contents are not a JSON object")
        return payload


def parse(body: bytes, *, kind: str, max_bytes: int | None = None) -> Sealed:
    """Split and check the framing (no key needed). Raises a ProtocolError subclass."""
    if max_bytes is not None and len(body) > max_bytes:
        raise Oversized("the document is larger than the hub accepts", max_bytes=max_bytes)
    head, sep, ct = body.partition(b"\n")
    if not sep or len(head) > _MAX_HEADER:
        raise Malformed("the document has no header line")
    try:
        outer = json.loads(head)
        header, sig = outer["header"], unb64(outer["sig"])
    except (ValueError, KeyError, TypeError):
        raise Malformed("the header line is not a signed header") from None
    if not isinstance(header, dict) or header.get("type") != kind or header.get("v") != 1:
        raise Malformed(f"this is not a version 1 {kind} document")
    if header.get("suite") != SUITE_NAME:
        raise WrongSuite("the document uses a cipher suite this hub does not speak")
    if header.get("ct_len") != len(ct) or header.get("ct_sha256") != sha256_hex(ct):
        raise Malformed("the sealed contents do not match their header (cut short or edited)")
    if len(sig) != 64:
        raise Malformed("the signature has the wrong length")
    return Sealed(header=header, sig=sig, ct=ct)


# ---- signed statements -------------------------------------------------------------------------

def sign_statement(statement: dict[str, Any], signer: Ed25519PrivateKey) -> dict[str, Any]:
    """``{"statement": ..., "sig": b64}``: a receipt, a wipe order or an enrolment record."""
    return {"statement": statement, "sig": b64(signer.sign(_STATEMENT + canonical(statement)))}


def verify_statement(signed: Any, signer: Ed25519PublicKey, *, kind: str) -> dict[str, Any]:
    try:
        statement, sig = signed["statement"], unb64(signed["sig"])
    except (KeyError, TypeError, ValueError):
        raise Malformed("not a signed statement") from None
    if not isinstance(statement, dict) or statement.get("type") != kind:
        raise Malformed(f"not a {kind} statement")
    try:
        signer.verify(sig, _STATEMENT + canonical(statement))
    except InvalidSignature:
        raise BadSignature(f"the {kind} is not signed by the pinned hub key") from None
    return statement
