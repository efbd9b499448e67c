"""atomic_write (shared with the rest of the app) and the minimum passphrase policy."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from fieldapp.vault import atomic as atomic_module
from fieldapp.vault import atomic_write, passphrase_problem

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


@POSIX
def test_atomic_write_replaces_with_private_permissions(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    atomic_write(target, b"public", mode=0o644)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_atomic_write_exclusive_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "key.pem"
    atomic_write(target, b"first", exclusive=True)
    with pytest.raises(FileExistsError):
        atomic_write(target, b"second", exclusive=True)
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["key.pem"]


def test_atomic_write_exclusive_without_hard_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(src: object, dst: object) -> None:
        raise PermissionError("FAT has no hard links")

    monkeypatch.setattr(atomic_module.os, "link", no_links)
    target = tmp_path / "on-usb.pem"
    atomic_write(target, b"first", exclusive=True)
    with pytest.raises(FileExistsError):
        atomic_write(target, b"second", exclusive=True)
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["on-usb.pem"]


def test_failed_write_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "keyslots.json"
    target.write_bytes(b"old")

    def crash(src: object, dst: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(atomic_module.os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["keyslots.json"]


@pytest.mark.parametrize(
    ("passphrase", "ok"),
    [
        (b"", False),
        (b"hunter2", False),
        (b"elevenchars", False),
        (b"123456789012345", False),
        (b"aaaaaaaaaaaaaaaa", False),
        (b"abababababababab", False),
        ("\u00e9\u00e8\u00e0\u00f9\u00e7".encode() * 2, False),  # 10 characters, 20 bytes
        (b"correct horse battery staple", True),
        (b"correcthorsebatterystaple", True),
        (b"Tr0ub4dor&3xyz", True),
        ("caf\u00e9 au lait s'il vous pla\u00eet".encode(), True),
    ],
)
def test_passphrase_policy(passphrase: bytes, ok: bool) -> None:
    problem = passphrase_problem(bytearray(passphrase))
    assert (problem is None) is ok
    if problem:
        assert passphrase.decode() not in problem or not passphrase  # never echoes it back


def test_vault_imports_no_forbidden_layers() -> None:
    """The vault sits under the store: no Qt, no SQLAlchemy, nothing from higher layers."""
    code = (
        "import sys, fieldapp.vault\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy')"
        " or m.startswith(('fieldapp.store', 'fieldapp.services', 'fieldapp.ui')))\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
