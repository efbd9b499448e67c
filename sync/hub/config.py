"""The hub's settings file (``hub.json`` in its data folder): typed, versioned, written atomically.

Everything a person may want to change without code: bind address and port, the database URL,
the bundle size limit, the certificate files. Secrets never live here (see :mod:`sync.hub.keys`).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

SETTINGS_FILE = "hub.json"
SETTINGS_VERSION = 1
DEFAULT_PORT = 8443
DEFAULT_MAX_BUNDLE = 1024 * 1024


class HubConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = SETTINGS_VERSION
    db_url: str = ""
    """SQLAlchemy URL; empty means SQLite ``hub.db`` in the data folder."""
    host: str = "127.0.0.1"
    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535)
    max_bundle_bytes: int = Field(default=DEFAULT_MAX_BUNDLE, ge=4096, le=64 * 1024 * 1024)
    cert_file: str = "tls/server.pem"
    key_file: str = "tls/server-key.pem"
    ca_file: str = "tls/ca.pem"
    names: list[str] = Field(default_factory=list)
    """The DNS names and addresses the server certificate was made for."""


def database_url(config: HubConfig, data_dir: Path) -> str:
    return config.db_url or f"sqlite:///{(data_dir / 'hub.db').as_posix()}"


def resolve(data_dir: Path, relative: str) -> Path:
    path = Path(relative)
    return path if path.is_absolute() else data_dir / path


def load(data_dir: Path) -> HubConfig:
    path = data_dir / SETTINGS_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"no hub here: run 'fieldapp-hub init' first (looked for "
                                f"{SETTINGS_FILE} in the data folder)") from None
    if raw.get("version", 0) > SETTINGS_VERSION:
        raise ValueError("the hub's settings were written by a newer fieldapp-hub")
    return HubConfig.model_validate(raw)


def save(data_dir: Path, config: HubConfig) -> None:
    write_private(data_dir / SETTINGS_FILE,
                  (config.model_dump_json(indent=2) + "\n").encode("utf-8"))


def write_private(path: Path, data: bytes) -> None:
    """Atomic write, mode 0600: temp file in the same folder, fsync, rename, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
