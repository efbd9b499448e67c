"""User settings: a typed record with a schema version, stored as JSON under platformdirs.

Only preferences live here (nothing about cases or people), so the file is plaintext; it is still
written atomically with owner-only permissions. QSettings holds window geometry and nothing else.
``FIELDAPP_CONFIG_DIR`` moves the folder (tests, portable installs).

Migrations: bump :data:`SCHEMA_VERSION` and add a step to :data:`_STEPS` that turns a version-N
dict into version N+1. A file from a newer app, or one that does not validate, falls back to
defaults rather than stopping the app from starting: a lost preference is cheaper than a lost
visit.

The settings are read before the first window shows, so this module is a plain dataclass checked
by hand rather than a pydantic model (importing pydantic alone took ~80 ms of a ~600 ms start).
Values of the types the app writes (``int``, ``str``) are checked here; anything else, which only
a hand-edited file holds (``"5"``, ``5.0``), goes through the same pydantic constraints as the
model this replaced, loaded on that rare path only, so such a file reads exactly as it did.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import platformdirs

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
CONFIG_DIR_ENV = "FIELDAPP_CONFIG_DIR"
FILE_NAME = "settings.json"

LOCK_MINUTES_MIN, LOCK_MINUTES_MAX = 1, 15
LANGUAGE_MAX_CHARS = 16


class SettingsError(ValueError):
    """A setting of the wrong type or out of range. The message names the field, not the value."""


@dataclass
class Settings:
    """Every assignment is checked (as the pydantic model with ``validate_assignment`` was)."""

    # 1: first version (lock_minutes, language)
    schema_version: int = SCHEMA_VERSION
    lock_minutes: int = 5  # 1-15
    language: str = ""  # at most 16 characters; "" follows the system locale

    def __setattr__(self, name: str, value: object) -> None:
        object.__setattr__(self, name, _checked(name=name, value=value))

    @classmethod
    def model_validate(cls, data: dict[str, Any]) -> Settings:
        """From a parsed settings file: unknown keys are ignored, missing ones take defaults."""
        if not isinstance(data, dict):
            raise SettingsError("settings must be a JSON object")
        return cls(**{name: data[name] for name in _FIELDS if name in data})

    def model_dump(self, *, mode: str = "json") -> dict[str, Any]:
        """The fields as plain JSON values (the names match the pydantic model's, for callers)."""
        return dataclasses.asdict(self)

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Settings:
        """A copy with ``update`` applied; the new values are checked."""
        return dataclasses.replace(self, **(update or {}))


_FIELDS = tuple(field.name for field in dataclasses.fields(Settings))


def _checked(*, name: str, value: object) -> object:
    """``value`` for field ``name``, as the old pydantic model would have stored it, or raise."""
    if name not in _FIELDS:
        raise SettingsError(f'"Settings" object has no field "{name}"')
    kind = str if name == "language" else int
    if type(value) is not kind:  # bool is not int here: pydantic's lax rules decide
        value = _lax(name=name, value=value)
    if name == "lock_minutes" and not LOCK_MINUTES_MIN <= int(value) <= LOCK_MINUTES_MAX:
        raise SettingsError(f"lock_minutes must be {LOCK_MINUTES_MIN}-{LOCK_MINUTES_MAX}")
    if name == "language" and len(str(value)) > LANGUAGE_MAX_CHARS:
        raise SettingsError(f"language must be at most {LANGUAGE_MAX_CHARS} characters")
    return value


def _lax(*, name: str, value: object) -> object:
    """Coerce a value of an unexpected type with pydantic's lax rules ("5" -> 5, 5.0 -> 5)."""
    from pydantic import ValidationError

    try:
        return _adapter(name).validate_python(value)
    except ValidationError:
        raise SettingsError(f"{name} has the wrong type") from None


@cache
def _adapter(name: str) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(str if name == "language" else int)


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
    except (ValueError, KeyError, TypeError):  # SettingsError is a ValueError
        log.warning("settings file invalid; using defaults")
        return Settings()


def save_settings(settings: Settings, folder: Path | None = None) -> None:
    # Imported when saving only: nothing on the start path writes settings.
    from fieldapp.vault.atomic import atomic_write, ensure_private_dir

    folder = folder or config_dir()
    ensure_private_dir(folder)
    payload = json.dumps(settings.model_dump(mode="json"), indent=2, sort_keys=True)
    atomic_write(folder / FILE_NAME, payload.encode("utf-8"))
