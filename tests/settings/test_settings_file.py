"""The settings file read without pydantic on the start path, exactly as the pydantic model did.

``Reference`` is the pydantic model ``fieldapp.settings`` used before the start path dropped
pydantic: every file, however odd, must load to the same values, and saving must write the
same bytes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, ValidationError

import fieldapp.settings as settings_module
from fieldapp.settings import (
    FILE_NAME,
    SCHEMA_VERSION,
    Settings,
    SettingsError,
    load_settings,
    save_settings,
)


class Reference(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    schema_version: int = SCHEMA_VERSION
    lock_minutes: int = Field(default=5, ge=1, le=15)
    language: str = Field(default="", max_length=16)


def reference_load(data: object) -> dict:
    """What the pydantic version of load_settings returned for ``data``, as a dict (its
    migration step is unchanged, so it is shared)."""
    try:
        if not isinstance(data, dict) or int(data.get("schema_version", 1)) > SCHEMA_VERSION:
            return Reference().model_dump()
        return Reference.model_validate(settings_module._migrate(data)).model_dump()
    except (ValidationError, ValueError, KeyError, TypeError):
        return Reference().model_dump()


def load_from(folder: Path, data: object) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FILE_NAME).write_text(json.dumps(data), encoding="utf-8")
    return load_settings(folder).model_dump()


ODD_VALUES = [5, 1, 15, 0, 16, -1, 5.0, 5.5, "5", " 5 ", "5.0", "+5", "05", "1_0", "0x5", "",
              True, False, None, [], {}, [5], 10**30, -0.0, 1e300, "cy", "x" * 16, "x" * 17,
              "é" * 16, "\u0665"]


@pytest.mark.parametrize("value", ODD_VALUES)
@pytest.mark.parametrize("field", ["schema_version", "lock_minutes", "language"])
def test_every_odd_value_loads_as_the_pydantic_model_did(tmp_path: Path, field: str,
                                                         value: object) -> None:
    data = {"schema_version": 1, field: value}
    assert load_from(tmp_path, data) == reference_load(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=5,
)


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(json_values, st.dictionaries(
    st.sampled_from(["schema_version", "lock_minutes", "language", "other"]), json_values)))
def test_any_json_loads_as_the_pydantic_model_did(tmp_path_factory, data: object) -> None:
    folder = tmp_path_factory.mktemp("settings")
    assert load_from(folder, data) == reference_load(data)


def test_saved_file_is_byte_for_byte_what_the_pydantic_model_wrote(tmp_path: Path) -> None:
    save_settings(Settings(lock_minutes=2, language="cy"), tmp_path)
    expected = json.dumps(Reference(lock_minutes=2, language="cy").model_dump(mode="json"),
                          indent=2, sort_keys=True).encode()
    assert (tmp_path / FILE_NAME).read_bytes() == expected
    assert (tmp_path / FILE_NAME).stat().st_mode & 0o077 == 0
    assert load_settings(tmp_path) == Settings(lock_minutes=2, language="cy")


def test_values_are_checked_on_creation_assignment_and_copy() -> None:
    current = Settings()
    with pytest.raises(SettingsError):
        Settings(lock_minutes=16)
    with pytest.raises(SettingsError):
        current.lock_minutes = 0
    with pytest.raises(SettingsError):
        current.language = "x" * 17
    with pytest.raises(SettingsError):
        current.colour = "red"  # type: ignore[attr-defined]
    with pytest.raises(SettingsError):
        current.model_copy(update={"lock_minutes": 99})
    current.lock_minutes = "7"  # type: ignore[assignment]  # lax, as pydantic was
    assert current.lock_minutes == 7
    assert current.model_copy(update={"lock_minutes": 3}) == Settings(lock_minutes=3)
    assert current == Settings(lock_minutes=7) and current != Settings()


def test_older_file_is_migrated_one_step_at_a_time(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def rename(data: dict) -> dict:
        data["lock_minutes"] = data.pop("idle_minutes")
        return data

    monkeypatch.setattr(settings_module, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(settings_module, "_STEPS", {1: rename})
    (tmp_path / FILE_NAME).write_text('{"schema_version": 1, "idle_minutes": 9}')
    loaded = load_settings(tmp_path)
    assert (loaded.schema_version, loaded.lock_minutes) == (2, 9)
    (tmp_path / FILE_NAME).write_text('{"schema_version": 3, "lock_minutes": 9}')
    assert load_settings(tmp_path).lock_minutes == 5  # from a newer app: defaults


def test_a_written_file_is_read_without_importing_pydantic(tmp_path: Path) -> None:
    save_settings(Settings(lock_minutes=4, language="en_GB"), tmp_path)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from fieldapp.settings import load_settings\n"
        f"s = load_settings(Path({str(tmp_path)!r}))\n"
        "print(s.lock_minutes, s.language, 'pydantic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["4", "en_GB", "False"]
