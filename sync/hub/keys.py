"""The hub's own keys, in its data folder (0600): signing (Ed25519), sealing (X25519) and the
data key (AES-256-GCM) that seals operation values at rest."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sync.hub.config import write_private
from sync.protocol.keys import KeyPairs, key_id

KEY_FILE = "hub-keys.bin"
_MAGIC = b"fieldapp-hub-keys v1\n"


@dataclass(frozen=True)
class HubKeys:
    pairs: KeyPairs
    data_key: bytes

    @property
    def kid(self) -> str:
        return key_id(self.pairs.signing.public_key())

    def seal_value(self, plain: bytes, *, aad: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + AESGCM(self.data_key).encrypt(nonce, plain, aad)

    def open_value(self, sealed: bytes, *, aad: bytes) -> bytes:
        return AESGCM(self.data_key).decrypt(sealed[:12], sealed[12:], aad)


def create(data_dir: Path) -> HubKeys:
    path = data_dir / KEY_FILE
    if path.exists():
        raise FileExistsError("this data folder already holds hub keys")
    keys = HubKeys(KeyPairs.generate(), AESGCM.generate_key(bit_length=256))
    signing, sealing = keys.pairs.raw()
    write_private(path, _MAGIC + signing + sealing + keys.data_key)
    return keys


def load(data_dir: Path) -> HubKeys:
    data = (data_dir / KEY_FILE).read_bytes()
    if not data.startswith(_MAGIC) or len(data) != len(_MAGIC) + 96:
        raise ValueError("the hub key file is damaged or not a hub key file")
    body = data[len(_MAGIC):]
    return HubKeys(KeyPairs.from_raw(body[:32], body[32:64]), body[64:])
