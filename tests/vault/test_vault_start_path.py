"""The vault's start path: opening a vault reads JSON only; cryptography loads on first unlock."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from vault_helpers import PASSPHRASE

from fieldapp.vault import Vault, VaultTampered


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_open_reads_the_slot_file_without_importing_cryptography(folder: Path) -> None:
    Vault.create(folder, passphrase=bytearray(PASSPHRASE), user="u1", role="idva").lock()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from fieldapp.vault import Vault\n"
        f"vault = Vault.open(Path({str(folder)!r}))\n"
        "vault.backoff_remaining()\n"
        "print(vault.info.role, sorted(m for m in sys.modules"
        " if m.startswith(('cryptography', 'fieldapp.vault.recovery'))))\n"
        f"vault.unlock(bytearray({PASSPHRASE!r}))\n"
        "print(vault.is_unlocked, 'cryptography' in sys.modules)\n"
    )
    assert _run(code).splitlines() == ["idva []", "True True"]


def test_recovery_keypair_is_still_exported(tmp_path: Path) -> None:
    from fieldapp.vault import generate_recovery_keypair
    from fieldapp.vault.recovery import generate_recovery_keypair as direct

    assert generate_recovery_keypair is direct
    public, private = generate_recovery_keypair(tmp_path / "keys", key_password=b"pw for the test")
    assert public.is_file() and private.is_file()


def test_database_id_must_stay_in_the_form_uuid_writes(folder: Path) -> None:
    """The id is checked with a pattern now (no uuid import): the same ids pass as before."""
    Vault.create(folder, passphrase=bytearray(PASSPHRASE), user="u1", role="idva").lock()
    path = folder / Vault.SLOTS_NAME
    doc = json.loads(path.read_text())
    canonical = str(uuid.UUID(doc["db_uuid"]))
    assert doc["db_uuid"] == canonical and Vault.open(folder).info.db_uuid == canonical
    for other in (canonical.upper(), "{" + canonical + "}", canonical.replace("-", ""),
                  canonical + "\n", canonical[:-1] + "g", 7, None):
        doc["db_uuid"] = other
        path.write_text(json.dumps(doc))
        with pytest.raises(VaultTampered):
            Vault.open(folder)
