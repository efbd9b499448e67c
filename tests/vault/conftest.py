"""Shared fixtures for the vault tests: real cryptography, floor-cost Argon2id.

``FIELDAPP_TEST_FAST_KDF=1`` makes new slots use exactly the 64 MiB / t=3 / p=4 floor without
calibrating, so each create/unlock costs about 0.1-0.2 s instead of about 1 s.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from vault_helpers import PASSPHRASE, RECOVERY_PASSWORD

from fieldapp.vault import Vault, generate_recovery_keypair
from fieldapp.vault import backoff as backoff_module


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDAPP_TEST_FAST_KDF", "1")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """A settable wall clock for the back-off: ``clock[0] += 5`` moves time forward."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(backoff_module, "now", lambda: now[0])
    return now


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def recovery_keys(tmp_path: Path) -> tuple[Path, Path]:
    return generate_recovery_keypair(tmp_path / "org-keys", key_password=RECOVERY_PASSWORD)


@pytest.fixture
def vault(folder: Path) -> Vault:
    """A fresh vault, unlocked, without a recovery slot."""
    return Vault.create(folder, passphrase=bytearray(PASSPHRASE), user="u1", role="idva")


@pytest.fixture
def rvault(folder: Path, recovery_keys: tuple[Path, Path]) -> Vault:
    """A fresh vault, unlocked, with a recovery slot."""
    return Vault.create(
        folder,
        passphrase=bytearray(PASSPHRASE),
        user="u1",
        role="idva",
        recovery_public_pem=recovery_keys[0].read_bytes(),
    )
