"""Where things live: the vault folder and the app's own settings/log folders."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "fieldapp"


def vault_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--vault``, else FIELDAPP_VAULT, else the platform's user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("FIELDAPP_VAULT")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP, appauthor=False)) / "vault"


def log_dir(vault: Path) -> Path:
    """Logs sit beside the vault so the plaintext scan covers them too."""
    return vault / "logs"
