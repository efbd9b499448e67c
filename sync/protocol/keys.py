"""Key pairs, their raw encodings, and the device and CA fingerprints people compare on screen."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from sync.protocol.canonical import b64, unb64

_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw
_RAW_PRIV = serialization.PrivateFormat.Raw


def raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(_RAW, _RAW_PUB)


def raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(_RAW, _RAW_PRIV, serialization.NoEncryption())


def ed25519_public(text: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(unb64(text))
    except ValueError as exc:
        raise ValueError("not an Ed25519 public key") from exc


def x25519_public(text: str) -> X25519PublicKey:
    try:
        return X25519PublicKey.from_public_bytes(unb64(text))
    except ValueError as exc:
        raise ValueError("not an X25519 public key") from exc


@dataclass(frozen=True)
class KeyPairs:
    """A party's signing (Ed25519) and sealing (X25519) keys."""

    signing: Ed25519PrivateKey
    sealing: X25519PrivateKey

    @classmethod
    def generate(cls) -> KeyPairs:
        return cls(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())

    @classmethod
    def from_raw(cls, signing: bytes, sealing: bytes) -> KeyPairs:
        return cls(Ed25519PrivateKey.from_private_bytes(signing),
                   X25519PrivateKey.from_private_bytes(sealing))

    def raw(self) -> tuple[bytes, bytes]:
        return raw_private(self.signing), raw_private(self.sealing)

    @property
    def signing_public_b64(self) -> str:
        return b64(raw_public(self.signing.public_key()))

    @property
    def sealing_public_b64(self) -> str:
        return b64(raw_public(self.sealing.public_key()))


def _groups(text: str, size: int = 4) -> str:
    return "-".join(text[i:i + size] for i in range(0, len(text), size))


def device_id_for(signing_public: Ed25519PublicKey) -> str:
    """Base32 of SHA-256 of the device's Ed25519 key, the first 130 bits, in groups of four with a
    check group (Syncthing-style: the id is the key's fingerprint, so it cannot be claimed)."""
    digest = hashlib.sha256(raw_public(signing_public)).digest()
    body = base64.b32encode(digest).decode("ascii").rstrip("=")[:26]
    check = base64.b32encode(hashlib.sha256(body.encode()).digest()).decode("ascii")[:2]
    return _groups(body + check)


def key_id(public: Ed25519PublicKey | X25519PublicKey) -> str:
    """A short id for a public key (the hub's ``kid``): the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(raw_public(public)).hexdigest()[:16]


def certificate_fingerprint(der: bytes) -> str:
    """SHA-256 of a DER certificate, as colon-separated upper-case hex (what `openssl x509
    -fingerprint -sha256` prints), so it can be compared with other tools."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def normalise_fingerprint(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch in "0123456789ABCDEF")
