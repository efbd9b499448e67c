"""User settings: a typed model with a schema version, stored as JSON under platformdirs.

Only preferences live here (nothing about cases or people), so the file is plaintext; it is still
written atomically with owner-only permissions. QSettings holds window geometry and nothing else.
``FIELDAPP_CONFIG_DIR`` moves the folder (tests, portable installs).

Migrations: bump :data:`SCHEMA_VERSION` and add a step to :data:`_STEPS` that turns a version-N
dict into version N+1. A file from a newer app, or one that does not validate, falls back to
defaults rather than stopping the app from starting: a lost preference is cheaper than a lost
visit.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fieldapp.vault.atomic import atomic_write, ensure_private_dir

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
CONFIG_DIR_ENV = "FIELDAPP_CONFIG_DIR"
FILE_NAME = "settings.json"


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    # 1: first version (lock_minutes, language)
    schema_version: int = SCHEMA_VERSION
    lock_minutes: int = Field(default=5, ge=1, le=15)
    language: str = Field(default="", max_length=16)  # "" follows the system locale


# version N -> version N+1, applied in order; none yet.
_STEPS: dict[int, Callable[[dict], dict]] = {}


def config_dir() -> Path:
    env = os.environ.get(CONFIG_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir("fieldapp", appauthor=False))


def _migrate(data: dict) -> dict:
    version = int(data.get("schema_version", 1))
    while version < SCHEMA_VERSION:
        data = _STEPS[version](dict(data))
        version += 1
        data["schema_version"] = version
    return data


def load_settings(folder: Path | None = None) -> Settings:
    path = (folder or config_dir()) / FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError):
        log.warning("settings file unreadable; using defaults")
        return Settings()
    try:
        if not isinstance(data, dict) or int(data.get("schema_version", 1)) > SCHEMA_VERSION:
            log.warning("settings file from a newer version; using defaults")
            return Settings()
        return Settings.model_validate(_migrate(data))
    except (ValidationError, ValueError, KeyError, TypeError):
        log.warning("settings file invalid; using defaults")
        return Settings()


def save_settings(settings: Settings, folder: Path | None = None) -> None:
    folder = folder or config_dir()
    ensure_private_dir(folder)
    payload = json.dumps(settings.model_dump(mode="json"), indent=2, sort_keys=True)
    atomic_write(folder / FILE_NAME, payload.encode("utf-8"))
