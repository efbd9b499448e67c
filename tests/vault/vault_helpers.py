"""Constants and slot-file helpers shared by the vault tests (a unique name, not conftest)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fieldapp.vault import Vault

PASSPHRASE = b"correct horse battery staple"
RECOVERY_PASSWORD = b"station two-person custody"


def read_doc(folder: Path) -> dict[str, Any]:
    return json.loads((folder / Vault.SLOTS_NAME).read_text())


def write_doc(folder: Path, doc: dict[str, Any]) -> None:
    (folder / Vault.SLOTS_NAME).write_text(json.dumps(doc, indent=2))
